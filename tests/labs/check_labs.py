#!/usr/bin/python3
"""Runs every command of every teaching lab and checks every expected answer against its output.

Usage: /usr/bin/python3 tests/labs/check_labs.py DURASIM_BINARY [LAB_DIR...]

A lab is a folder scenarios/labs/NN-topic/ with a README.md. Its steps are its ```sh blocks, in
order (step 1 is the first block). Each line of a block that is not a comment is a command, run by
bash in a copy of the lab folder (at the same depth, with tools/ beside scenarios/, so that
`../../../tools/plot.py` works), with `durasim` on PATH being the binary under test. A command
must exit 0, unless its line ends with `# exits N`: then it must exit N.

Expected answers are checked by HTML comments in the README (invisible on a rendered page):
    <!-- check STEP: REGEX -->   the output (stdout and stderr) of step STEP matches REGEX
                                  (Python re, MULTILINE), e.g. <!-- check 2: P\\(loss\\)\\s+1\\s -->
    <!-- file NAME -->            the step commands wrote NAME (a figure, a report)
Every numbered answer must carry at least one check, and the README the sections the labs share.
Prints `ok LAB` or `FAIL LAB: why` per lab; exits 1 if any failed, 2 on bad usage.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SECTIONS = ["## Goal", "## Background", "## Steps", "## Questions", "<details>"]


def parse(readme):
    text = open(readme, encoding="utf-8").read()
    steps = re.findall(r"^[ \t]*```sh\n(.*?)^[ \t]*```", text, re.S | re.M)
    checks = [(int(n), rx) for n, rx in re.findall(r"<!-- check (\d+): (.*?) -->", text)]
    files = re.findall(r"<!-- file (\S+) -->", text)
    questions = re.search(r"^## Questions\n(.*?)^(##|<details>)", text, re.S | re.M)
    n_questions = len(re.findall(r"^\d+\. ", questions.group(1), re.M)) if questions else 0
    return text, steps, checks, files, n_questions


def run_lab(lab, durasim, root):
    readme = os.path.join(lab, "README.md")
    if not os.path.exists(readme):
        return "no README.md"
    text, steps, checks, files, n_questions = parse(readme)
    for s in SECTIONS:
        if s not in text:
            return f"the README has no {s!r} section"
    if not steps:
        return "no ```sh step"
    if n_questions == 0:
        return "no numbered question"
    if len(checks) < n_questions:
        return f"{n_questions} questions but only {len(checks)} checked answers"
    # Each numbered answer carries at least one check of its own.
    details = text[text.index("<details>"):]
    answers = re.split(r"^(?=\d+\. )", details, flags=re.M)[1:]
    for a in answers:
        if "<!-- check " not in a:
            return f"answer {a.split('.', 1)[0]} has no check"
    if len(answers) < n_questions:
        return f"{n_questions} questions but {len(answers)} numbered answers"
    with tempfile.TemporaryDirectory() as tmp:
        rel = os.path.relpath(lab, root)
        work = os.path.join(tmp, rel)
        shutil.copytree(lab, work)
        os.symlink(os.path.join(root, "tools"), os.path.join(tmp, "tools"))
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        os.symlink(os.path.abspath(durasim), os.path.join(bindir, "durasim"))
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
        outputs = []
        for i, block in enumerate(steps, 1):
            out = ""
            for line in block.splitlines():
                command = line.strip()
                if not command or command.startswith("#"):
                    continue
                m = re.search(r"#\s*exits (\d+)\s*$", command)
                want = int(m.group(1)) if m else 0
                p = subprocess.run(["bash", "-c", command], cwd=work, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                out += p.stdout
                if p.returncode != want:
                    return (f"step {i}: `{command}` exited {p.returncode}, expected {want}:\n"
                            + p.stdout[-2000:])
            outputs.append(out)
        for n, rx in checks:
            if n < 1 or n > len(outputs):
                return f"a check names step {n}; the lab has {len(outputs)} steps"
            if not re.search(rx, outputs[n - 1], re.M):
                return (f"step {n}'s output does not match the expected answer /{rx}/:\n"
                        + outputs[n - 1][-3000:])
        for f in files:
            path = os.path.join(work, f)
            if not os.path.exists(path) or os.path.getsize(path) == 0:
                return f"the steps did not write {f}"
    return None


def main(argv):
    if len(argv) < 1:
        print(__doc__, file=sys.stderr)
        return 2
    durasim = argv[0]
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    labs = argv[1:] or sorted(
        os.path.join(root, "scenarios", "labs", d)
        for d in os.listdir(os.path.join(root, "scenarios", "labs"))
        if os.path.isdir(os.path.join(root, "scenarios", "labs", d)))
    if not os.access(durasim, os.X_OK):
        print(f"check_labs.py: {durasim} is not an executable", file=sys.stderr)
        return 2
    failed = 0
    for lab in labs:
        why = run_lab(os.path.abspath(lab), durasim, root)
        name = os.path.basename(os.path.normpath(lab))
        if why:
            failed += 1
            print(f"FAIL {name}: {why}")
        else:
            print(f"ok {name}")
    print(f"{len(labs) - failed} labs passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
