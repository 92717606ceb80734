// node validate.js SCHEMA FILE...: validates each YAML file against the JSON schema (draft-07).
// Prints "FILE: ok" or "FILE: invalid: <first errors>"; exit 0 when every file is valid, 1 otherwise.
'use strict';
const fs = require('fs');
const Ajv = require('ajv');
const YAML = require('yaml');

const [schemaPath, ...files] = process.argv.slice(2);
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
let bad = 0;
for (const file of files) {
  let doc;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8'), { uniqueKeys: true });
  } catch (e) {
    console.log(`${file}: invalid: YAML: ${e.message.split('\n')[0]}`);
    bad++;
    continue;
  }
  if (validate(doc)) {
    console.log(`${file}: ok`);
  } else {
    const why = validate.errors.slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    console.log(`${file}: invalid: ${why}`);
    bad++;
  }
}
process.exit(bad ? 1 : 0);
