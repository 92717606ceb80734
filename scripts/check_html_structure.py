#!/usr/bin/env python3
"""Checks the structure of an HTML page or fragment read from stdin (python3 html.parser).

  scripts/check_html_structure.py page|fragment < file.html

Every element closed in order (void elements excepted), attribute values quoted, no duplicate
ids, no script, iframe, object, link or external resource. `page`: exactly one <html>, <head>
and <body>, a <title>, <html lang>. `fragment`: no <html>, <head>, <body>, <title>, <style> or
<meta>; one root element; every class and id starts with "triage-" (the root: triage-page).
Prints one line per problem ("line:col: message") and exits 1, or exits 0 silently.
"""
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FORBIDDEN = {"script", "iframe", "object", "embed", "link", "img", "frame", "base", "form"}
DOCUMENT = {"html", "head", "body", "title", "style", "meta"}


class Checker(HTMLParser):
    def __init__(self, mode):
        super().__init__(convert_charrefs=True)
        self.mode, self.stack, self.problems, self.ids, self.counts, self.roots = mode, [], [], set(), {}, 0

    def problem(self, msg):
        line, col = self.getpos()
        self.problems.append(f"{line}:{col + 1}: {msg}")

    def handle_starttag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if not self.stack and self.mode == "fragment":
            self.roots += 1
        if tag in FORBIDDEN:
            self.problem(f"<{tag}> not allowed")
        if self.mode == "fragment" and tag in DOCUMENT:
            self.problem(f"<{tag}> in a fragment")
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                if value in self.ids:
                    self.problem(f"duplicate id '{value}'")
                self.ids.add(value)
            if name.startswith("on") or name in ("src", "style"):
                self.problem(f"attribute {name} not allowed")
            if self.mode == "fragment" and name in ("id", "class"):
                for word in value.split():
                    if not word.startswith("triage-"):
                        self.problem(f"{name} '{word}' is not scoped (triage-*)")
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problem(f"end tag for void <{tag}>")
            return
        if not self.stack:
            self.problem(f"</{tag}> without an open element")
            return
        open_tag, pos = self.stack.pop()
        if open_tag != tag:
            self.problem(f"</{tag}> closes <{open_tag}> opened at {pos[0]}:{pos[1] + 1}")

    def finish(self):
        for tag, pos in self.stack:
            self.problems.append(f"{pos[0]}:{pos[1] + 1}: <{tag}> never closed")
        if self.mode == "page":
            for tag in ("html", "head", "body", "title"):
                if self.counts.get(tag, 0) != 1:
                    self.problems.append(f"0:0: {self.counts.get(tag, 0)} <{tag}> elements, expected 1")
        elif self.roots != 1:
            self.problems.append(f"0:0: {self.roots} root elements, expected 1")


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("page", "fragment"):
        print("usage: check_html_structure.py page|fragment < file.html", file=sys.stderr)
        return 2
    text = sys.stdin.read()
    checker = Checker(sys.argv[1])
    checker.feed(text)
    checker.close()
    checker.finish()
    if sys.argv[1] == "page" and not text.startswith("<!DOCTYPE html>"):
        checker.problems.insert(0, "1:1: no <!DOCTYPE html>")
    for p in checker.problems:
        print(p)
    return 1 if checker.problems else 0


if __name__ == "__main__":
    sys.exit(main())
