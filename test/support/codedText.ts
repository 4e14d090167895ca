// A coded text column (columnValues.ts) of given values, built with the dictionary the storage's
// reader uses, for tests that send or stage one.
import { codedText, type CodedText } from '../../server/src/core/launcher/columnValues';
import { TextDictionary } from '../../server/src/core/launcher/textDictionary';
import { plainText } from '../../server/src/node/launcher/exchange/plainText';

export function codedColumn(values: readonly (string | null)[]): CodedText {
  const dictionary = new TextDictionary();
  const codes = new Int32Array(values.length);
  const nulls = values.includes(null) ? new Uint8Array(values.length) : null;
  values.forEach((v, r) => {
    if (v === null) {
      codes[r] = -1;
      nulls![r] = 1;
      return;
    }
    const bytes = Buffer.from(v, 'utf8');
    const code = dictionary.find(bytes, 0, bytes.length);
    codes[r] = code === -1 ? dictionary.add(bytes, 0, bytes.length) : code;
  });
  const distinct = plainText(dictionary.bytes.subarray(0, dictionary.starts[dictionary.count]), dictionary.starts.subarray(0, dictionary.count + 1), null);
  return codedText(codes, distinct, nulls);
}
