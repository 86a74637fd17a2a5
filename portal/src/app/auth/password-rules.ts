import type { AbstractControl, ValidationErrors } from '@angular/forms';
import { Validators } from '@angular/forms';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../../gateway/portal/contract';

/** The password rule of gateway/portal/contract.ts as form validators, for every form that sets a password. */
export const NEW_PASSWORD_VALIDATORS = [
  Validators.required,
  Validators.minLength(PASSWORD_MIN_LENGTH),
  Validators.maxLength(PASSWORD_MAX_LENGTH),
];

/** A group validator: the `password` and `repeated` controls hold the same text. */
export function passwordsMatch(group: AbstractControl): ValidationErrors | null {
  const password: unknown = group.get('password')?.value;
  const repeated: unknown = group.get('repeated')?.value;
  return password === repeated ? null : { mismatch: true };
}

export type PasswordError = 'missing' | 'tooShort' | 'tooLong';

/** Which error a new-password field shows, if any (once it was left or the form was sent). */
export function newPasswordError(control: AbstractControl): PasswordError | null {
  if (control.hasError('minlength')) return 'tooShort';
  if (control.hasError('maxlength')) return 'tooLong';
  if (control.touched && control.hasError('required')) return 'missing';
  return null;
}
