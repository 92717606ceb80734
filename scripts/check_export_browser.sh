#!/usr/bin/env bash
# Renders the municipality page (`triage export`) in headless Chromium at a phone's size, writes
# a screenshot for review, dumps the DOM and checks that every contact of the region is on it.
#
#   scripts/check_export_browser.sh [REGION] [OUT_DIR]     (defaults: belgorod, build/export-check)
#
# Needs chromium (apt-get install -y chromium) and a built triage (TRIAGE=path to override).
# Exit 0: rendered and every contact present; 1: a contact is missing or the page did not
# render; 2: chromium or triage missing.
set -euo pipefail
cd "$(dirname "$0")/.."
region="${1:-belgorod}"
out="${2:-build/export-check}"
triage="${TRIAGE:-build/triage}"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$browser" ]]; then
  echo "chromium is not installed (apt-get install -y chromium)" >&2
  exit 2
fi
if [[ ! -x "$triage" ]]; then
  echo "triage binary not found at $triage (build first or set TRIAGE=...)" >&2
  exit 2
fi
mkdir -p "$out"
page="$(realpath "$out")/export-$region.html"
"$triage" export --format html --region "$region" --output "$page"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$profile" --window-size=390,844 --hide-scrollbars)
"$browser" "${flags[@]}" --screenshot="$(realpath "$out")/export-$region.png" "file://$page" 2>/dev/null
"$browser" "${flags[@]}" --dump-dom "file://$page" 2>/dev/null > "$out/export-$region.dom.html"
if [[ ! -s "$out/export-$region.png" ]] || ! grep -q "<h1>" "$out/export-$region.dom.html"; then
  echo "FAIL: the page did not render" >&2
  exit 1
fi
# Every contact value the page must show: the region's overlay plus the national ones it does
# not override, that citizen texts use (as triage export). Values are compared HTML-escaped.
missing=0
while IFS= read -r value; do
  [[ -z "$value" ]] && continue
  if ! grep -qF -- "$value" "$out/export-$region.dom.html"; then
    echo "FAIL: contact missing from the rendered page: $value" >&2
    missing=1
  fi
done < <(python3 - "$region" <<'EOF'
import html, pathlib, re, sys
region = sys.argv[1]
def values(path):
    out, key, regional = {}, None, set()
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        m = re.match(r"^  ([A-Za-z0-9_]+):\s*$", line)
        if m:
            key = m.group(1)
        m = re.match(r'^    value:\s*"(.*)"\s*$', line)
        if m and key:
            out[key] = m.group(1)
        if key and re.match(r"^    regional:\s*true\s*$", line):
            regional.add(key)
    return out, regional
# Published: keys some citizen-facing file uses (not a `to: operator` case); approximates the
# export's rule (docs/authoring.md), which decides per text.
used = set()
for f in list(pathlib.Path("rules/cases").glob("*.yaml")) + list(pathlib.Path("rules/subflows").glob("*.yaml")):
    text = f.read_text(encoding="utf-8")
    if not re.search(r"^to:\s*operator\s*$", text, re.M):
        used.update(re.findall(r"\{contacts\.([A-Za-z0-9_]+)\}", text))
merged, regional = values("rules/contacts/default.yaml")
merged = {k: v for k, v in merged.items() if k not in regional}
overlay = pathlib.Path(f"rules/contacts/{region}.yaml")
if region != "default" and overlay.exists():
    merged.update(values(overlay)[0])
for k, v in merged.items():
    if k in used:
        print(html.escape(v, quote=False))
EOF
)
if [[ $missing -ne 0 ]]; then exit 1; fi
echo "OK: $out/export-$region.png, every contact of '$region' present"
