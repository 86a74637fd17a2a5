import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseInvoice } from '../../domain/invoice';
import { validateInvoice } from '../../domain/rules';
import { PEPPOL_2025_5_VERDICTS, corpusDir, corpusFiles, corpusPresent, unitCases } from './corpus-support';

const describeCorpus = corpusPresent ? describe : describe.skip;
if (!corpusPresent)
  console.warn(`Interop corpus not found at ${corpusDir} (set INTEROP_CORPUS): corpus tests skipped.`);

describeCorpus('EN 16931 example and test files (ConnectingEurope/eInvoicing-EN16931)', () => {
  const files = ['ubl-examples', 'cii-examples', 'ubl-testfiles'].flatMap((folder) =>
    corpusFiles(folder).map((file) => [`${folder}/${path.basename(file)}`, file]),
  );

  it('finds the example files', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  it.each(files)(
    '%s parses and has no fatal finding but those of the official Peppol artefact',
    (name, file) => {
      const findings = validateInvoice(parseInvoice(fs.readFileSync(file)));
      const fatal = [
        ...new Set(findings.filter((finding) => finding.severity === 'fatal').map((f) => f.ruleId)),
      ];
      expect(fatal.sort()).toEqual(PEPPOL_2025_5_VERDICTS.get(name) ?? []);
    },
  );
});

describeCorpus(
  'CEN unit tests creditnote-unit-ubl: each case gives the expected result for the rule in its scope',
  () => {
    const cases = corpusFiles('creditnote-unit-ubl').flatMap(unitCases);

    it('finds the unit cases', () => {
      expect(cases.length).toBeGreaterThanOrEqual(200);
    });

    it.each(cases.map((unit) => [`${unit.file} #${unit.index}`, unit.expected, unit.rule, unit] as const))(
      '%s expects %s for %s',
      (_name, expected, rule, unit) => {
        const findings = validateInvoice(parseInvoice(unit.xml)).filter((finding) => finding.ruleId === rule);
        if (expected === 'success') expect(findings).toEqual([]);
        else
          expect(findings.map((finding) => finding.severity)).toContain(
            expected === 'warning' ? 'warning' : 'fatal',
          );
      },
    );
  },
);
