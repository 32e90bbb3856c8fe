"""Check the exported FHIR Questionnaire in a real SDC form filler: LHC-Forms in headless
Chromium. Not part of the test suite (it needs npm, Chromium and the lforms package);
run it after changing the Questionnaire export:

    .venv/bin/python scripts/check_lhcforms.py [--lforms 40] [--vignette NAME]

It fetches lforms with `npm pack` into a temporary folder, serves it on 127.0.0.1 and
1. loads our R4 Questionnaire with a vignette's answers merged in, takes LHC-Forms' own
   QuestionnaireResponse and screens it: the result must equal screening the answers;
2. ticks 'Chest pain' then 'None of these' in the urgent check, as a person would, and
   reports whether the urgent advice shows and which codes the response holds.
Exit status 0 when the round trip matches, 1 otherwise.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = """
<script src="package/dist/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="package/dist/lforms/webcomponent/lhc-forms.js"></script>
<script src="package/dist/lforms/fhir/R4/lformsFHIR.min.js"></script>"""

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<div id="form"></div><pre id="out">pending</pre>
<script>
const Q = %(questionnaire)s, QR = %(response)s;
const sleep = ms => new Promise(r => setTimeout(r, ms));
const codes = qr => (qr.item || []).flatMap(g => g.item || [])
    .filter(i => i.linkId === 'red_flags_now').flatMap(i => i.answer.map(a => a.valueCoding.code));
const advice = () => document.getElementById('form').innerText.includes(%(advice)s);
window.addEventListener('load', async () => {
  const out = {};
  try {
    const ready = () => window.LForms && LForms.Util && LForms.Util.addFormToPage;
    for (let i = 0; i < 100 && !ready(); i++) await sleep(100);
    const merged = LForms.Util.mergeFHIRDataIntoLForms(
        'QuestionnaireResponse', QR, LForms.Util.convertFHIRQuestionnaireToLForms(Q, 'R4'), 'R4');
    await LForms.Util.addFormToPage(merged, 'form', {fhirVersion: 'R4'});
    await sleep(1500);
    out.response = LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4');
    LForms.Util.removeFormsFromPage('form');
    await LForms.Util.addFormToPage(Q, 'form', {fhirVersion: 'R4'});
    await sleep(1500);
    out.adviceAtStart = advice();
    const boxes = () => Array.from(document.querySelectorAll('#form input[type=checkbox]'));
    const labels = boxes().map(b => (b.closest('label') || b.parentElement).innerText.trim());
    boxes()[labels.indexOf('Chest pain')].click(); await sleep(800);
    out.adviceAfterChestPain = advice();
    boxes()[labels.indexOf('None of these')].click(); await sleep(800);
    out.codesAfterNone = codes(LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4'));
    out.adviceAfterNone = advice();
  } catch (e) { out.error = String(e); }
  document.getElementById('out').textContent = 'OUT:' + JSON.stringify(out);
});
</script>%(scripts)s
</body></html>"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def fill_in(questionnaire: dict, answers: dict) -> dict:
    """A response holding the answers, shaped by the Questionnaire (groups, codings)."""
    def items(source):
        out = []
        for item in source:
            if item["type"] == "group":
                children = items(item["item"])
                if children:
                    out.append({"linkId": item["linkId"], "item": children})
            elif item["type"] != "display" and answers.get(item["linkId"]) is not None:
                value = answers[item["linkId"]]
                if "answerOption" in item:
                    options = {o["valueCoding"]["code"]: o["valueCoding"]
                               for o in item["answerOption"]}
                    codes = value if isinstance(value, list) else [value]
                    answer = [{"valueCoding": options[c]} for c in codes]
                else:
                    answer = [{"valueInteger" if item["type"] == "integer" else "valueDate": value}]
                out.append({"linkId": item["linkId"], "answer": answer})
        return out
    return {"resourceType": "QuestionnaireResponse", "status": "in-progress",
            "item": items(questionnaire["item"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lforms", default="40", help="lforms version for npm (default 40)")
    parser.add_argument("--vignette", default="office-worker-winter")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium or not shutil.which("npm"):
        print("needs npm and Chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from screener.interop.answers_file import parse_answers_text
    from screener.interop.fhir_questionnaire import questionnaire, urgent_advice
    from screener.ruleset.loading import load_ruleset
    from screener.screening import screen

    ruleset = load_ruleset()
    resource, _ = questionnaire(ruleset, "R4")
    vignette = ROOT / "tests" / "vignettes" / f"{args.vignette}.json"
    answers = json.loads(vignette.read_text())["answers"]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        subprocess.run(["npm", "pack", f"lforms@{args.lforms}"], cwd=work, check=True,
                       capture_output=True, timeout=300)
        tarball = next(work.glob("lforms-*.tgz"))
        subprocess.run(["tar", "xzf", tarball.name], cwd=work, check=True)
        (work / "page.html").write_text(PAGE % {
            "questionnaire": json.dumps(resource),
            "response": json.dumps(fill_in(resource, answers)),
            "advice": json.dumps(urgent_advice(ruleset)[:40]), "scripts": SCRIPTS})
        handler = functools.partial(_QuietHandler, directory=folder)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                                  "--virtual-time-budget=40000", "--dump-dom",
                                  f"http://127.0.0.1:{server.server_port}/page.html"],
                                 capture_output=True, text=True, timeout=180).stdout
        finally:
            server.shutdown()
    match = re.search(r'<pre id="out">OUT:(.*?)</pre>', dom, re.S)
    if not match:
        print("LHC-Forms produced nothing (see the page in a browser)", file=sys.stderr)
        return 1
    out = json.loads(html.unescape(match.group(1)))
    if "error" in out:
        print(f"LHC-Forms error: {out['error']}", file=sys.stderr)
        return 1
    via_form = screen(parse_answers_text(json.dumps(out["response"]), ruleset, "lhc-forms"),
                      ruleset)
    direct = screen(parse_answers_text(json.dumps(answers), ruleset, "answers"), ruleset)
    same = json.loads(via_form.to_json()) == json.loads(direct.to_json())
    print(f"lforms {tarball.name}: response to our R4 Questionnaire screens "
          f"{'the same as' if same else 'DIFFERENTLY from'} the answers file "
          f"({direct.triage}, factors {', '.join(f.id for f in direct.factors) or 'none'})")
    print(f"urgent advice: at start {out['adviceAtStart']}, after ticking chest pain "
          f"{out['adviceAfterChestPain']}, after also ticking none {out['adviceAfterNone']}")
    exclusive = ("none is exclusive" if out["codesAfterNone"] == ["none"] else
                 "optionExclusive not applied by this renderer: the screener refuses the "
                 "response and names the red flag")
    print(f"codes after ticking chest pain then none: {out['codesAfterNone']} ({exclusive})")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
