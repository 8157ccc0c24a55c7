"""A parser for the Prometheus text exposition format (version 0.0.4), for the tests: reads HELP and
TYPE lines and samples (name, labels with escaped values, value, optional timestamp) character by
character, and fails on anything else. Prints one JSON object: {name: {"type", "help",
"samples": [[labels, value], ...]}}.

usage: prom_parse.py FILE|-
"""
import json, math, sys


class ParseError(Exception):
    pass


def parse(text):
    families = {}

    def family(name):
        return families.setdefault(name, {"type": "untyped", "help": "", "samples": []})

    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                if not valid_name(parts[2]):
                    raise ParseError(f"line {number}: bad metric name {parts[2]!r}")
                value = parts[3] if len(parts) > 3 else ""
                if parts[1] == "TYPE":
                    if value not in ("counter", "gauge", "histogram", "summary", "untyped"):
                        raise ParseError(f"line {number}: bad type {value!r}")
                    family(parts[2])["type"] = value
                else:
                    family(parts[2])["help"] = value
            continue
        name, labels, rest = sample(line, number)
        fields = rest.split()
        if not 1 <= len(fields) <= 2:
            raise ParseError(f"line {number}: expected a value and an optional timestamp: {rest!r}")
        value = float(fields[0]) if fields[0] not in ("+Inf", "-Inf", "NaN") else float(fields[0].replace("Inf", "inf"))
        if len(fields) == 2:
            int(fields[1])
        family(name)["samples"].append([labels, None if math.isnan(value) else value])
    return families


def valid_name(name):
    return bool(name) and (name[0].isalpha() or name[0] in "_:") and all(c.isalnum() or c in "_:" for c in name) and name.isascii()


def sample(line, number):
    i = 0
    while i < len(line) and (line[i].isalnum() or line[i] in "_:"):
        i += 1
    name = line[:i]
    if not valid_name(name):
        raise ParseError(f"line {number}: bad metric name in {line!r}")
    labels = {}
    if i < len(line) and line[i] == "{":
        i += 1
        while True:
            if line[i] == "}":
                i += 1
                break
            j = i
            while line[j].isalnum() or line[j] == "_":
                j += 1
            key = line[i:j]
            if not key or line[j] != "=" or line[j + 1] != '"':
                raise ParseError(f"line {number}: bad label at {line[i:]!r}")
            j += 2
            value = []
            while line[j] != '"':
                if line[j] == "\\":
                    j += 1
                    value.append({"n": "\n", "\\": "\\", '"': '"'}.get(line[j]) or (_ for _ in ()).throw(ParseError(f"line {number}: bad escape")))
                else:
                    value.append(line[j])
                j += 1
            labels[key] = "".join(value)
            i = j + 1
            if line[i] == ",":
                i += 1
    if i >= len(line) or line[i] != " ":
        raise ParseError(f"line {number}: no space before the value in {line!r}")
    return name, labels, line[i + 1:]


if __name__ == "__main__":
    source = sys.stdin.read() if sys.argv[1] == "-" else open(sys.argv[1]).read()
    try:
        print(json.dumps(parse(source)))
    except (ParseError, ValueError, IndexError) as error:
        print(f"not Prometheus text: {error}", file=sys.stderr)
        sys.exit(1)
