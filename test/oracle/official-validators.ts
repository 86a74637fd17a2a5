/**
 * The official validation artefacts, run by Saxon-HE in one long-lived JVM (Oracle.java): the CEN EN 16931 1.3.16
 * XSLT for UBL and CII (../shared/corpus/oracle) and the OpenPeppol BIS 3 rules of release 2025.5 (inside Maven
 * Central's phive-rules-peppol 4.0.0, put in ~/.m2 by scripts/install-validation-artefacts.sh).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { corpusDir } from '../domain/corpus-support';

const M2 = process.env.MAVEN_REPO ?? path.join(os.homedir(), '.m2', 'repository');
/** The jars scripts/install-validation-artefacts.sh puts in the local Maven repository. */
export const VALIDATION_JARS = {
  rules:
    process.env.PHIVE_RULES_PEPPOL_JAR ??
    path.join(M2, 'com/helger/phive/rules/phive-rules-peppol/4.0.0/phive-rules-peppol-4.0.0.jar'),
  saxon: process.env.SAXON_HE_JAR ?? path.join(M2, 'net/sf/saxon/Saxon-HE/12.5/Saxon-HE-12.5.jar'),
  xmlresolver:
    process.env.XMLRESOLVER_JAR ?? path.join(M2, 'org/xmlresolver/xmlresolver/5.2.2/xmlresolver-5.2.2.jar'),
};
const CEN = path.join(corpusDir, 'oracle', 'en16931-1.3.16');
/** The stylesheets by the name a request gives. */
export const ARTEFACTS = {
  'cen-ubl': path.join(CEN, 'ubl', 'xslt', 'EN16931-UBL-validation.xslt'),
  'cen-cii': path.join(CEN, 'cii', 'xslt', 'EN16931-CII-validation.xslt'),
  peppol: `jar:file:${VALIDATION_JARS.rules}!/external/schematron/openpeppol/2025.5/xslt/PEPPOL-EN16931-UBL.xslt`,
} as const;
export type Artefact = keyof typeof ARTEFACTS;

/** Why the oracle cannot run here, or undefined when it can. */
export function oracleMissing(): string | undefined {
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0) return 'java is not installed';
  const missing = [
    VALIDATION_JARS.rules,
    VALIDATION_JARS.saxon,
    VALIDATION_JARS.xmlresolver,
    ARTEFACTS['cen-ubl'],
    ARTEFACTS['cen-cii'],
  ].filter((file) => !fs.existsSync(file));
  return missing.length > 0
    ? `missing ${missing.join(', ')} (run npm run peers:install; the CEN release comes with ../shared/corpus)`
    : undefined;
}

/** The rule ids the official artefacts reported for one file. */
export interface OfficialVerdict {
  fatal: string[];
  warning: string[];
  /** The stylesheet stopped with a dynamic error (a blank decimal, say): the artefacts refuse the file, no rule named. */
  error?: string;
}

/** One JVM with every artefact compiled once; validate() may be called concurrently. */
export class OfficialValidators {
  private readonly pending = new Map<
    string,
    { resolve: (verdict: OfficialVerdict) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;
  /** Per artefact, every rule id it can report as fatal: the universe a comparison is made in. */
  readonly fatalRuleIds = new Map<Artefact, Set<string>>();

  private constructor(private readonly java: ChildProcessWithoutNullStreams) {}

  static async start(threads = 2): Promise<OfficialValidators> {
    const java = spawn(
      'java',
      [
        `-Doracle.threads=${threads}`,
        '-cp',
        [VALIDATION_JARS.saxon, VALIDATION_JARS.xmlresolver].join(path.delimiter),
        path.join(__dirname, 'Oracle.java'),
        ...Object.entries(ARTEFACTS).map(([name, location]) => `${name}=${location}`),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    java.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const validators = new OfficialValidators(java);
    const lines = createInterface({ input: java.stdout });
    await new Promise<void>((resolve, reject) => {
      java.once('exit', (code) => reject(new Error(`the oracle JVM exited (${code}): ${stderr}`)));
      lines.on('line', (line) => {
        if (line === 'ready') return resolve();
        const [tag, name, list = ''] = line.split('\t');
        if (tag === 'universe') return void validators.fatalRuleIds.set(name as Artefact, new Set(ids(list)));
        validators.answer(line);
      });
    });
    java.on('exit', (code) => {
      for (const { reject } of validators.pending.values())
        reject(new Error(`the oracle JVM exited (${code}): ${stderr}`));
      validators.pending.clear();
    });
    return validators;
  }

  validate(artefact: Artefact, file: string): Promise<OfficialVerdict> {
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.java.stdin.write(`${id}\t${artefact}\t${file}\n`);
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.java.once('exit', resolve));
    this.java.stdin.end();
    await exited;
  }

  private answer(line: string): void {
    const [id, fatal = '', warning = ''] = line.split('\t');
    const waiting = this.pending.get(id!);
    if (!waiting) return;
    this.pending.delete(id!);
    if (fatal === '!' && /I\/O error|no stylesheet/.test(warning))
      waiting.reject(new Error(`the official artefacts could not read the file: ${warning}`));
    else if (fatal === '!') waiting.resolve({ fatal: [], warning: [], error: warning });
    else waiting.resolve({ fatal: ids(fatal), warning: ids(warning) });
  }
}

const ids = (list: string): string[] => (list === '' ? [] : list.split(','));
