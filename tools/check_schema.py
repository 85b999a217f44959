#!/usr/bin/python3
"""Check scenario files against the published JSON Schema (scenarios/schema/scenario.schema.json).

Usage:
  tools/check_schema.py SCHEMA FILE...
      Exit 0 if every FILE validates; otherwise print each error as
      'FILE: /json/pointer: message' and exit 1.
  tools/check_schema.py --expect-invalid SCHEMA FILE...
      Exit 0 only if EVERY FILE is refused (a file that is not JSON counts as refused);
      name each file that was wrongly accepted and exit 1 otherwise.
  tools/check_schema.py --expect-invalid --expect-path PTR SCHEMA FILE
      As above, and one error must be reported at exactly the JSON pointer PTR
      (e.g. /replication/replicas/1/mode). For a missing required key or an unknown key the
      pointer of the object plus that key is accepted too (/topology/colour).

The schema itself is checked first (Draft 2020-12 metaschema). Exit 2 on a usage error, an
unreadable file or an invalid schema. Run with Debian's python3-jsonschema (/usr/bin/python3).
"""

import argparse
import json
import re
import sys

import jsonschema
from jsonschema import Draft202012Validator


def pointer(parts):
    """RFC 6901 JSON pointer of a path (a sequence of keys and indices); the root is ''."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def shown(ptr):
    return ptr if ptr else "/"


def message(error):
    """The validator's message, or 'expected <title>, found <value>' for unit, name and
    distribution strings, whose raw messages would only quote a long regular expression."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator in ("pattern", "anyOf", "oneOf", "type") and "title" in schema:
        return "expected %s, found %s" % (schema["title"], json.dumps(error.instance, ensure_ascii=False))
    return error.message


def offending_keys(error):
    """For 'required' and 'additionalProperties' errors: the key(s) the error is about."""
    instance = error.instance
    if not isinstance(instance, dict):
        return []
    if error.validator == "required":
        return [k for k in error.validator_value
                if k not in instance and error.message == "%r is a required property" % (k,)]
    if error.validator == "additionalProperties" and error.validator_value is False:
        props = error.schema.get("properties", {})
        patterns = error.schema.get("patternProperties", {})
        return [k for k in instance
                if k not in props and not any(re.search(p, k) for p in patterns)]
    return []


def candidate_pointers(error):
    """Every pointer at which this error (or one of the alternatives it summarises) is reported."""
    here = pointer(error.absolute_path)
    found = {here}
    for key in offending_keys(error):
        found.add(here + "/" + str(key).replace("~", "~0").replace("/", "~1"))
    for sub in error.context or ():
        found |= candidate_pointers(sub)
    return found


def reject_constant(name):
    raise ValueError("%s is not valid JSON" % name)


def load_json(path):
    """(document, None) or (None, reason)."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f, parse_constant=reject_constant), None
    except (ValueError, UnicodeDecodeError) as e:  # json.JSONDecodeError is a ValueError
        return None, "not valid JSON: %s" % e


def main(argv):
    parser = argparse.ArgumentParser(
        prog="check_schema.py",
        description="Validate scenario files against the durasim scenario JSON Schema.")
    parser.add_argument("--expect-invalid", action="store_true",
                        help="succeed only if every FILE is refused")
    parser.add_argument("--expect-path", metavar="PTR",
                        help="with --expect-invalid and one FILE: require an error at this JSON pointer")
    parser.add_argument("schema", metavar="SCHEMA")
    parser.add_argument("files", metavar="FILE", nargs="+")
    args = parser.parse_args(argv)
    if args.expect_path is not None:
        if not args.expect_invalid or len(args.files) != 1:
            parser.error("--expect-path needs --expect-invalid and exactly one FILE")
        if args.expect_path not in ("", "/") and not args.expect_path.startswith("/"):
            parser.error("--expect-path takes a JSON pointer starting with '/', got %r" % args.expect_path)

    try:
        with open(args.schema, encoding="utf-8") as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        print("%s: cannot read schema: %s" % (args.schema, e), file=sys.stderr)
        return 2
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print("%s: %s: invalid schema: %s" % (args.schema, shown(pointer(e.absolute_path)), e.message),
              file=sys.stderr)
        return 2
    validator = Draft202012Validator(schema)

    failed = False
    for path in args.files:
        try:
            doc, why = load_json(path)
        except OSError as e:
            print("%s: cannot read: %s" % (path, e), file=sys.stderr)
            return 2
        if why is not None:
            print("%s: %s: %s" % (path, "/", why))
            if not args.expect_invalid:
                failed = True
            elif args.expect_path is not None:
                print("%s: no error reported at %s (the file is not JSON)" % (path, shown(args.expect_path)))
                failed = True
            continue

        errors = sorted(validator.iter_errors(doc),
                        key=lambda e: ([str(p) for p in e.absolute_path], e.message))
        for e in errors:
            print("%s: %s: %s" % (path, shown(pointer(e.absolute_path)), message(e)))

        if not args.expect_invalid:
            failed = failed or bool(errors)
        elif not errors:
            print("%s: accepted, but expected to be refused" % path)
            failed = True
        elif args.expect_path is not None:
            want = "" if args.expect_path in ("", "/") else args.expect_path
            reported = set()
            for e in errors:
                reported |= candidate_pointers(e)
            if want not in reported:
                print("%s: refused, but no error at %s (errors at: %s)"
                      % (path, shown(want), ", ".join(shown(p) for p in sorted(reported))))
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
