#!/usr/bin/python3
"""Validate JSON documents against a JSON Schema (Draft 2020-12) for cocscan's tests.

Usage: validate_json.py SCHEMA FILE [FILE...]

Prints every validation error as "FILE: JSON_PATH: message (schema: SCHEMA_PATH)".
Exit status: 0 all valid, 1 some document invalid, 2 unreadable input or unusable schema.
Relative "$ref"s in the schema resolve against the schema file's directory.

Needs the jsonschema package: run it with /usr/bin/python3 on Debian (python3-jsonschema).
"""

import json
import pathlib
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError as e:  # pragma: no cover - environment problem
    print(f"validate_json: cannot import jsonschema ({e}); use /usr/bin/python3", file=sys.stderr)
    sys.exit(2)


def load(path):
    """Parse one JSON file; None (after a message) when it cannot be read or parsed."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        print(f"{path}: cannot read JSON: {e}", file=sys.stderr)
        return None


def json_path(error):
    """'$.targets[0].results[2].status' style path of the failing instance."""
    path = "$"
    for part in error.absolute_path:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += "." + str(part)
    return path


def schema_path(error):
    return "#/" + "/".join(str(p) for p in error.absolute_schema_path)


def make_validator(schema, schema_file):
    base_uri = pathlib.Path(schema_file).resolve().as_uri()
    kwargs = {"format_checker": jsonschema.FormatChecker()}
    try:  # jsonschema >= 4.18: the referencing library
        import referencing
        import referencing.jsonschema

        def retrieve(uri):
            if not uri.startswith("file://"):
                raise referencing.exceptions.NoSuchResource(ref=uri)
            with open(uri[len("file://"):], encoding="utf-8") as f:
                return referencing.Resource.from_contents(
                    json.load(f), default_specification=referencing.jsonschema.DRAFT202012)

        resource = referencing.Resource.from_contents(
            schema, default_specification=referencing.jsonschema.DRAFT202012)
        kwargs["registry"] = referencing.Registry(retrieve=retrieve).with_resource(
            base_uri, resource)
        if "$id" not in schema:
            schema = dict(schema, **{"$id": base_uri})
    except ImportError:  # older jsonschema (Debian 12: 4.10)
        kwargs["resolver"] = jsonschema.RefResolver(base_uri=base_uri, referrer=schema)
    return Draft202012Validator(schema, **kwargs)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    schema_file, files = argv[1], argv[2:]
    schema = load(schema_file)
    if schema is None:
        return 2
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"{schema_file}: not a valid Draft 2020-12 schema: {e.message} "
              f"(at {schema_path(e)})", file=sys.stderr)
        return 2
    validator = make_validator(schema, schema_file)

    status = 0
    for path in files:
        doc = load(path)
        if doc is None:
            status = 2
            continue
        try:
            errors = sorted(validator.iter_errors(doc),
                            key=lambda e: (list(map(str, e.absolute_path)), e.message))
        except Exception as e:  # unresolvable $ref and the like: the schema is unusable
            print(f"{schema_file}: cannot validate with this schema: {e}", file=sys.stderr)
            return 2
        for e in errors:
            print(f"{path}: {json_path(e)}: {e.message} (schema: {schema_path(e)})")
        if errors:
            status = max(status, 1)
            print(f"{path}: {len(errors)} error(s)")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
