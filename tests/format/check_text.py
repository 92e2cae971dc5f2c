#!/usr/bin/python3
"""check_text.py — every tracked text file keeps the rules of the repository's .editorconfig.

    check_text.py [SOURCE_DIR]    check the files git tracks in SOURCE_DIR (default: this
                                  file's repository)
    check_text.py --self-test     check made-up files: a clean one must pass, and each
                                  broken one must fail with the expected line

Reads .editorconfig (its sections of globs: `*`, `**`, `?`, `{a,b}`; a glob without a
slash matches a file name in any folder) and holds each file to the properties that
apply to it, the later section winning: charset = utf-8 (the bytes decode, no byte-order
mark), end_of_line = lf (no carriage return), insert_final_newline = true,
trim_trailing_whitespace = true, and indent_style = space (no tab in a line's leading
whitespace). A property set to `unset` is not checked. Prints one line per breach
(file:line: what) and exits 1 if there was any. Standard library only.
"""

import os
import re
import subprocess
import sys
import tempfile


def glob_to_regex(glob):
    """The regular expression of one .editorconfig section glob, for a path relative to
    the .editorconfig's folder."""
    pattern, i = "", 0
    while i < len(glob):
        c = glob[i]
        if glob.startswith("**", i):
            pattern, i = pattern + ".*", i + 2
            continue
        if c == "*":
            pattern += "[^/]*"
        elif c == "?":
            pattern += "[^/]"
        elif c == "{":
            end = glob.index("}", i)
            pattern += "(?:" + "|".join(re.escape(choice) for choice in glob[i + 1:end].split(",")) + ")"
            i = end
        else:
            pattern += re.escape(c)
        i += 1
    if "/" not in glob:
        pattern = "(?:.*/)?" + pattern
    return re.compile(pattern.lstrip("/") + r"\Z")


def read_editorconfig(path):
    """[(regex, {property: value})] in file order."""
    sections = []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                sections.append((glob_to_regex(line[1:-1]), {}))
            elif "=" in line:
                key, value = (part.strip().lower() for part in line.split("=", 1))
                if sections:
                    sections[-1][1][key] = value
            else:
                raise SystemExit(f"{path}:{number}: neither a [section] nor a key = value line")
    return sections


def properties_of(sections, relative):
    found = {}
    for regex, properties in sections:
        if regex.match(relative):
            found.update(properties)
    return found


def breaches(relative, data, properties):
    """The rules `data` (a file's bytes) breaks: [(line number or None, what)]."""
    found = []
    if properties.get("charset") == "utf-8":
        if data.startswith(b"\xef\xbb\xbf"):
            found.append((1, "starts with a UTF-8 byte-order mark (charset = utf-8 has none)"))
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as e:
            found.append((data[:e.start].count(b"\n") + 1, "is not valid UTF-8 (charset = utf-8)"))
    if properties.get("insert_final_newline") == "true" and data and not data.endswith(b"\n"):
        found.append((data.count(b"\n") + 1, "no newline at the end of the file (insert_final_newline = true)"))
    check_cr = properties.get("end_of_line") == "lf"
    check_trailing = properties.get("trim_trailing_whitespace") == "true"
    check_tabs = properties.get("indent_style") == "space"
    for number, line in enumerate(data.split(b"\n"), 1):
        if check_cr and b"\r" in line:
            found.append((number, "carriage return (end_of_line = lf)"))
        if check_trailing and line.rstrip(b"\r") != line.rstrip(b"\r").rstrip(b" \t"):
            found.append((number, "trailing whitespace (trim_trailing_whitespace = true)"))
        if check_tabs and b"\t" in line[:len(line) - len(line.lstrip(b" \t"))]:
            found.append((number, "tab in the indentation (indent_style = space)"))
    return sorted(found, key=lambda breach: breach[0])


def check(root, files):
    """Prints every breach under `root` among `files` (relative paths); returns their count."""
    sections = read_editorconfig(os.path.join(root, ".editorconfig"))
    count = 0
    for relative in files:
        properties = {k: v for k, v in properties_of(sections, relative).items() if v != "unset"}
        if not properties:
            continue
        with open(os.path.join(root, relative), "rb") as f:
            data = f.read()
        for number, what in breaches(relative, data, properties):
            print(f"{relative}:{number}: {what}")
            count += 1
    return count


def tracked_files(root):
    listing = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True, stdout=subprocess.PIPE).stdout
    return [name for name in listing.decode("utf-8").split("\0") if name and os.path.isfile(os.path.join(root, name))]


def self_test():
    editorconfig = "root = true\n[*]\ncharset = utf-8\nend_of_line = lf\ninsert_final_newline = true\n" \
                   "trim_trailing_whitespace = true\nindent_style = space\n[*.bin]\ncharset = unset\n" \
                   "end_of_line = unset\ninsert_final_newline = unset\ntrim_trailing_whitespace = unset\n" \
                   "indent_style = unset\n[data/**]\nindent_style = unset\n"
    cases = {
        "clean.cc": (b"int f() {\n  return 1;\t// a tab after code is fine\n}\n", []),
        "raw.bin": (b"\t\xff\r no rules \t", []),
        "data/tabbed.tsv": (b"a\tb\n\tc\n", []),
        "no_newline.py": (b"x = 1", ["no_newline.py:1: no newline at the end of the file"]),
        "trailing.md": (b"text \nmore\n", ["trailing.md:1: trailing whitespace"]),
        "crlf.txt": (b"one\r\ntwo\n", ["crlf.txt:1: carriage return"]),
        "tab.h": (b"\tint x;\n", ["tab.h:1: tab in the indentation"]),
        "latin1.js": (b"// caf\xe9\n", ["latin1.js:1: is not valid UTF-8"]),
        "sub/bom.css": (b"\xef\xbb\xbfbody {}\n", ["sub/bom.css:1: starts with a UTF-8 byte-order mark"]),
    }
    failures = 0
    with tempfile.TemporaryDirectory() as root:
        with open(os.path.join(root, ".editorconfig"), "w") as f:
            f.write(editorconfig)
        sections = read_editorconfig(os.path.join(root, ".editorconfig"))
        for relative, (data, expected) in cases.items():
            properties = {k: v for k, v in properties_of(sections, relative).items() if v != "unset"}
            got = [f"{relative}:{number}: {what}" for number, what in breaches(relative, data, properties)]
            if len(got) != len(expected) or not all(g.startswith(e) for g, e in zip(got, expected)):
                print(f"self-test: {relative}: expected {expected}, got {got}")
                failures += 1
    print("self-test: " + ("failed" if failures else f"{len(cases)} cases as expected"))
    return 1 if failures else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        print("usage: check_text.py [SOURCE_DIR] | --self-test", file=sys.stderr)
        return 2
    root = argv[1] if len(argv) == 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    files = tracked_files(root)
    count = check(root, files)
    if count:
        print(f"check_text: {count} breach(es) of .editorconfig in {len(files)} tracked files")
        return 1
    print(f"check_text: {len(files)} tracked files keep .editorconfig's rules")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
