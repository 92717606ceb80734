#!/usr/bin/env bash
# The JSON schemas and triage agree (docs/content.md, "Editors"): a pinned JSON Schema validator
# (tools/schema-check: ajv + yaml, installed here with `npm ci`, at test time only) accepts every
# shipped rule file and scenario; then each mutation below, applied to a copy, must be rejected
# by both the schema and triage (`check` for rule files, `replay` for scenarios). A mutation only
# one of them rejects is a disagreement: triage is the reference, the schema gets fixed.
#
#   scripts/test-schema.sh            uses build/triage (BUILD_DIR=... for another)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
triage="$root/${BUILD_DIR:-build}/triage"
tools="$root/tools/schema-check"
[[ -x "$triage" ]] || { echo "test-schema: build $triage first" >&2; exit 2; }
if [[ ! -d "$tools/node_modules/ajv" || "$tools/package-lock.json" -nt "$tools/node_modules" ]]; then
  (cd "$tools" && npm ci --no-audit --no-fund --ignore-scripts --silent)
fi
validate() { node "$tools/validate.js" "$@"; }
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 1. Every shipped file is valid.
mapfile -t rule_files < <(find rules -name '*.yaml' | sort)
mapfile -t scenario_files < <(find tests/scenarios -name '*.yaml' | sort)
validate rules/schema.json "${rule_files[@]}" >/tmp/triage-schema-$$.log || { grep -v ': ok$' /tmp/triage-schema-$$.log; fail "shipped rules"; }
validate schema/scenario.schema.json "${scenario_files[@]}" >/tmp/triage-schema-$$.log || { grep -v ': ok$' /tmp/triage-schema-$$.log; fail "shipped scenarios"; }
rm -f /tmp/triage-schema-$$.log
echo "shipped: ${#rule_files[@]} rule files, ${#scenario_files[@]} scenarios valid"

work=$(mktemp -d /tmp/triage-schema-XXXXXX)
trap 'rm -rf "$work"' EXIT

# mutate_rules NAME FILE SED: FILE (under rules/) edited by SED in a copy of rules/.
mutate_rules() {
  local name=$1 file=$2 expr=$3
  rm -rf "$work/rules" && cp -r rules "$work/rules"
  sed -i "$expr" "$work/rules/$file"
  if cmp -s "rules/$file" "$work/rules/$file"; then fail "$name: the mutation changed nothing"; return; fi
  local schema=accepts check=accepts
  validate "$work/rules/schema.json" "$work/rules/$file" >/dev/null || schema=rejects
  "$triage" check --rules "$work/rules" >/dev/null 2>&1 || check=rejects
  [[ $schema == rejects && $check == rejects ]] || fail "$name: schema $schema, check $check"
  echo "rules    $name: schema $schema, check $check"
}
# mutate_scenario NAME SED: a copy of one scenario edited by SED.
mutate_scenario() {
  local name=$1 expr=$2 src=tests/scenarios/forgot-password-01-fp-restore-phone.yaml
  sed "$expr" "$src" >"$work/scenario.yaml"
  if cmp -s "$src" "$work/scenario.yaml"; then fail "$name: the mutation changed nothing"; return; fi
  local schema=accepts replay=accepts
  validate schema/scenario.schema.json "$work/scenario.yaml" >/dev/null || schema=rejects
  "$triage" replay "$work/scenario.yaml" >/dev/null 2>&1 || replay=rejects
  [[ $schema == rejects && $replay == rejects ]] || fail "$name: schema $schema, replay $replay"
  echo "scenario $name: schema $schema, replay $replay"
}

# 2. The control: an unmutated copy passes both.
rm -rf "$work/rules" && cp -r rules "$work/rules"
"$triage" check --rules "$work/rules" >/dev/null 2>&1 || fail "control: check rejects the unmutated copy"
cp tests/scenarios/forgot-password-01-fp-restore-phone.yaml "$work/scenario.yaml"
"$triage" replay "$work/scenario.yaml" >/dev/null 2>&1 || fail "control: replay rejects the unmutated scenario"

# 3. Mutations.
fp=cases/forgot-password.yaml sc=cases/service-centre.yaml
mutate_rules format-version    entry.yaml 's|^format: triage-rules/1|format: triage-rules/2|'
mutate_rules unknown-kind      $fp 's|^kind: case$|kind: cases|'
mutate_rules unknown-top-key   $fp 's|^title:|titel:|'
mutate_rules missing-start     $fp '/^start:/d'
mutate_rules start-not-text    $fp 's|^start: ask-access|start: [ask-access]|'
mutate_rules duplicate-key     $fp 's|^id: forgot-password|&\nid: forgot-password|'
mutate_rules unknown-node-key  $fp '0,/^    question:/s//    questoin:/'
mutate_rules option-no-next    $fp '0,/^        next: by-phone$/{//d}'
mutate_rules bad-disposition   $fp '0,/disposition: resolved/s//disposition: solved/'
mutate_rules script-line-key   $fp '0,/^        when: quarantine$/s//        wen: quarantine/'
mutate_rules bad-audience      $sc 's|^    to: citizen$|    to: citizens|'
mutate_rules bad-validator     $sc 's|^    input: snils$|    input: snilz|'
mutate_rules contact-key       contacts/default.yaml '0,/^    kind: phone$/s//    knd: phone/'
mutate_rules contact-kind      contacts/default.yaml '0,/^    kind: phone$/s//    kind: telephone/'
mutate_rules entry-unknown-key entry.yaml 's|^version:|versoin:|'
mutate_rules context-bad-type  entry.yaml 's|^    type: bool$|    type: boolean|'
mutate_scenario format-version  's|^format: triage-scenario/1|format: triage-scenario/2|'
mutate_scenario unknown-top-key 's|^case:|cas:|'
mutate_scenario missing-expect  '/^expect:/,$d'
mutate_scenario missing-outcome '/^  outcome:/d'
mutate_scenario option-zero     's|^    answer: 1$|    answer: 0|'
mutate_scenario step-key        's|^    caller: "Номер|    calller: "Номер|'
mutate_scenario bad-weight      's|^    answer: 1$|&\n    weight: huge|'
mutate_scenario label-no-number 's|^    answer: 1$|    answer: "Телефон, привязанный к учётной записи"|'
mutate_scenario answer-and-input 's|^    answer: 1$|&\n    input: "112 233 445 95"|'

if (( failures )); then echo "test-schema: $failures failure(s)"; exit 1; fi
echo "test-schema: OK (the schemas and triage reject the same mistakes)"
