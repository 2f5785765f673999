"""A fast recursive-descent reader for HCL native syntax, producing exactly the AST of
:mod:`.hcl` (lark-based). It handles the HCL that real Terraform configurations use; on
anything it does not understand it raises :class:`FastParseError` and the caller falls back
to the lark grammar, which also provides the error message and line for broken files. The
tests parse every fixture both ways and compare the trees.

Roughly ten times faster than the generic LALR parser, which dominated IaC scan time.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from demarcate.sources.terraform.hcl import (
    Attribute,
    Block,
    Body,
    Node,
    _heredoc,
    _nest,
    _template,
    unescape,
)

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_HEREDOC_HEAD = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)[ \t]*\r?\n")
_SKIPPABLE = frozenset(" \t\r\n#/")
_BLANK = re.compile(r"[ \t\r]*")
_BLANK_NL = re.compile(r"[ \t\r\n]*")
_PLAIN = re.compile(r'[^"\\\n$%]+')  # string text with nothing to interpret
_KEYWORDS = {"true": True, "false": False, "null": None}
_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
_OP_CHARS = frozenset("|&=!<>+-*/%")


class FastParseError(Exception):
    """Not understood here (the lark grammar decides)."""


class _Parser:
    def __init__(self, text: str, file: str | None) -> None:
        self.text = text
        self.n = len(text)
        self.i = 0
        self.file = file
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self.depth = 0  # bracket depth: newlines are insignificant inside

    # -- low level --------------------------------------------------------------------------
    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.lines, pos)

    def fail(self, what: str) -> FastParseError:
        return FastParseError(f"{what} at line {self.line(self.i)}")

    def skip(self, newlines: bool | None = None) -> None:
        """Skip spaces and comments (and newlines inside brackets or when asked)."""
        text, n = self.text, self.n
        if self.i >= n or text[self.i] not in _SKIPPABLE:
            return  # the common case: already at a token
        if newlines is None:
            newlines = self.depth > 0
        blank = _BLANK_NL if newlines else _BLANK
        while True:
            self.i = blank.match(text, self.i).end()  # type: ignore[union-attr]
            if self.i >= n:
                return
            ch = text[self.i]
            if ch == "#" or (ch == "/" and text.startswith("//", self.i)):
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end
            elif ch == "/" and text.startswith("/*", self.i):
                end = text.find("*/", self.i + 2)
                if end < 0:
                    raise self.fail("unterminated comment")
                self.i = end + 2
            else:
                return

    def peek(self, s: str) -> bool:
        return self.text.startswith(s, self.i)

    def eat(self, s: str) -> bool:
        if self.text.startswith(s, self.i):
            self.i += len(s)
            return True
        return False

    def expect(self, s: str) -> None:
        if not self.eat(s):
            raise self.fail(f"expected {s!r}")

    def ident(self) -> str | None:
        m = _IDENT.match(self.text, self.i)
        if not m:
            return None
        self.i = m.end()
        return m.group(0)

    # -- body -----------------------------------------------------------------------------
    def body(self, closing: bool) -> Body:
        body = Body()
        while True:
            self.skip(True)
            if self.i >= self.n:
                if closing:
                    raise self.fail("unexpected end of file")
                return body
            if self.peek("}"):
                if not closing:
                    raise self.fail("unexpected }")
                return body
            start = self.i
            name = self.ident()
            if name is None:
                raise self.fail("expected a name")
            self.skip(False)
            if self.peek("=") and not self.peek("=="):
                self.i += 1
                saved = self.depth
                self.depth = 0
                value = self.expression()
                self.depth = saved
                body.attributes[name] = Attribute(name, value, self.line(start))
                self.end_of_item()
                continue
            labels: list[str] = []
            while not self.peek("{"):
                if self.peek('"'):
                    parts = self.string_parts()
                    if not all(isinstance(p, str) for p in parts):
                        raise self.fail("template in a block label")
                    labels.append("".join(parts))
                else:
                    label = self.ident()
                    if label is None:
                        raise self.fail("expected a block label or {")
                    labels.append(label)
                self.skip(False)
            self.i += 1
            saved = self.depth
            self.depth = 0
            inner = self.body(closing=True)
            self.depth = saved
            self.expect("}")
            body.blocks.append(Block(name, labels, inner, self.line(start), self.file))
            self.end_of_item()

    def end_of_item(self) -> None:
        self.skip(False)
        if self.i >= self.n or self.peek("\n") or self.peek("}"):
            return
        raise self.fail("expected a new line")

    # -- expressions ------------------------------------------------------------------------
    def expression(self) -> Node:
        cond = self.binary()
        self.skip()
        if self.peek("?"):
            self.i += 1
            self.skip(True)
            a = self.expression()
            self.skip(True)
            self.expect(":")
            self.skip(True)
            b = self.expression()
            return ("cond", cond, a, b)
        return cond

    def operator(self) -> str | None:
        """The binary operator at the cursor, if any."""
        text, i = self.text, self.i
        ch = text[i] if i < self.n else ""
        if not ch or ch not in _OP_CHARS:
            return None
        two = text[i : i + 2]
        if two in _PRECEDENCE:
            return two
        if ch in "=!|&" or two == "<<":  # "=", "=>", "!", heredoc: not binary operators
            return None
        return ch

    def binary(self, min_prec: int = 1) -> Node:
        """Precedence climbing over HCL's binary operators (all left-associative)."""
        left = self.unary()
        while True:
            self.skip()
            op = self.operator()
            if op is None:
                return left
            prec = _PRECEDENCE[op]
            if prec < min_prec:
                return left
            self.i += len(op)
            self.skip(True)
            right = self.binary(prec + 1)
            left = ("binop", op, left, right)

    def unary(self) -> Node:
        self.skip()
        if self.i < self.n and self.text[self.i] not in "!-":
            return self.postfix()
        if self.peek("!") and not self.peek("!="):
            self.i += 1
            self.skip()
            return ("unop", "!", self.postfix())
        if self.peek("-"):
            m = _NUMBER.match(self.text, self.i + 1)
            if m and any(c in m.group(0) for c in ".eE"):  # the grammar lexes -2.5 as one literal
                self.i = m.end()
                value = -float(m.group(0))
                return ("lit", int(value) if value.is_integer() else value)
            self.i += 1
            self.skip()
            return ("unop", "-", self.postfix())
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        text, n = self.text, self.n
        while True:
            if self.i >= n or text[self.i] not in ".[":
                return node
            if self.peek(".*"):
                self.i += 2
                return ("splat", node, self.splat_ops())
            if self.peek("[*]"):
                self.i += 3
                return ("splat", node, self.splat_ops())
            if self.peek("."):
                if self.peek("..."):
                    return node
                self.i += 1
                m = _NUMBER.match(self.text, self.i)
                if m and "." not in m.group(0) and "e" not in m.group(0).lower():
                    self.i = m.end()
                    node = ("index", node, ("lit", int(m.group(0))))
                    continue
                name = self.ident()
                if name is None:
                    raise self.fail("expected an attribute name")
                node = ("attr", node, name)
                continue
            if self.peek("["):
                self.i += 1
                self.depth += 1
                self.skip()
                key = self.expression()
                self.skip()
                self.expect("]")
                self.depth -= 1
                node = ("index", node, key)
                continue
            return node

    def splat_ops(self) -> list[tuple[str, Any]]:
        ops: list[tuple[str, Any]] = []
        while True:
            if self.peek(".") and not self.peek(".*") and not self.peek("..."):
                self.i += 1
                m = _NUMBER.match(self.text, self.i)
                if m and m.group(0).isdigit():
                    self.i = m.end()
                    ops.append(("index", ("lit", int(m.group(0)))))
                    continue
                name = self.ident()
                if name is None:
                    raise self.fail("expected an attribute name")
                ops.append(("attr", name))
            elif self.peek("[") and not self.peek("[*]"):
                self.i += 1
                self.depth += 1
                self.skip()
                key = self.expression()
                self.skip()
                self.expect("]")
                self.depth -= 1
                ops.append(("index", key))
            else:
                return ops

    def primary(self) -> Node:
        self.skip()
        if self.i >= self.n:
            raise self.fail("unexpected end of file")
        ch = self.text[self.i]
        if ch == '"':
            return _template(self.string_parts())
        if ch.isdigit():
            m = _NUMBER.match(self.text, self.i)
            assert m is not None
            self.i = m.end()
            text = m.group(0)
            if "." in text or "e" in text or "E" in text:
                value = float(text)
                return ("lit", int(value) if value.is_integer() else value)
            return ("lit", int(text))
        if ch == "(":
            self.i += 1
            self.depth += 1
            self.skip()
            inner = self.expression()
            self.skip()
            self.expect(")")
            self.depth -= 1
            return inner
        if ch == "[":
            return self.tuple_or_for()
        if ch == "{":
            return self.object_or_for()
        if ch == "<" and self.peek("<<"):
            return self.heredoc()
        name = self.ident()
        if name is None:
            raise self.fail(f"unexpected {ch!r}")
        if name in _KEYWORDS:
            return ("lit", _KEYWORDS[name])
        names = [name]
        while self.peek("::"):
            self.i += 2
            part = self.ident()
            if part is None:
                raise self.fail("expected a function name")
            names.append(part)
        if self.peek("("):
            return self.call("::".join(names))
        if len(names) > 1:
            raise self.fail("provider function without arguments")
        return ("var", name)

    def call(self, name: str) -> Node:
        self.i += 1
        self.depth += 1
        args: list[Node] = []
        expand = False
        self.skip()
        while not self.peek(")"):
            args.append(self.expression())
            self.skip()
            if self.eat("..."):
                expand = True
                self.skip()
                self.eat(",")
                self.skip()
                break
            if not self.eat(","):
                break
            self.skip()
        self.skip()
        self.expect(")")
        self.depth -= 1
        return ("call", name, args, expand)

    def for_intro(self) -> tuple[str | None, str, Node]:
        self.skip()
        first = self.ident()
        if first is None:
            raise self.fail("expected a for variable")
        self.skip()
        second = None
        if self.eat(","):
            self.skip()
            second = self.ident()
            if second is None:
                raise self.fail("expected a for variable")
            self.skip()
        if self.ident() != "in":
            raise self.fail("expected in")
        coll = self.expression()
        self.skip()
        self.expect(":")
        return (first, second, coll) if second else (None, first, coll)

    def _is_for(self) -> bool:
        save = self.i
        self.skip(True)
        m = _IDENT.match(self.text, self.i)
        is_for = bool(
            m and m.group(0) == "for" and self.n > m.end() and self.text[m.end()] in " \t\n\r"
        )
        if not is_for:
            self.i = save
        return is_for

    def _for_cond(self) -> Node | None:
        self.skip()
        m = _IDENT.match(self.text, self.i)
        if m and m.group(0) == "if":
            self.i = m.end()
            return self.expression()
        return None

    def tuple_or_for(self) -> Node:
        self.i += 1
        self.depth += 1
        if self._is_for():
            self.i += 3
            k, v, coll = self.for_intro()
            body = self.expression()
            cond = self._for_cond()
            self.skip()
            self.expect("]")
            self.depth -= 1
            return ("for_tuple", k, v, coll, body, cond)
        items: list[Node] = []
        self.skip()
        while not self.peek("]"):
            items.append(self.expression())
            self.skip()
            if not self.eat(","):
                break
            self.skip()
        self.skip()
        self.expect("]")
        self.depth -= 1
        return ("tuple", items)

    def object_or_for(self) -> Node:
        self.i += 1
        self.depth += 1
        if self._is_for():
            self.i += 3
            k, v, coll = self.for_intro()
            key = self.expression()
            self.skip()
            self.expect("=>")
            self.skip()
            value = self.expression()
            self.skip()
            group = self.eat("...")
            cond = self._for_cond()
            self.skip()
            self.expect("}")
            self.depth -= 1
            return ("for_object", k, v, coll, key, value, group, cond)
        elems: list[tuple[Node, Node]] = []
        self.skip()
        while not self.peek("}"):
            key = self.expression()
            if key[0] == "var":
                key = ("lit", key[1])
            self.skip()
            if not (self.eat("=") or self.eat(":")):
                raise self.fail("expected = or :")
            self.skip()
            value = self.expression()
            elems.append((key, value))
            self.skip()
            self.eat(",")
            self.skip()
        self.expect("}")
        self.depth -= 1
        return ("object", elems)

    def heredoc(self) -> Node:
        m = _HEREDOC_HEAD.match(self.text, self.i)
        if not m:
            raise self.fail("bad heredoc")
        marker = m.group(2)
        pattern = re.compile(r"^[ \t]*" + re.escape(marker) + r"[ \t]*\r?$", re.M)
        end = pattern.search(self.text, m.end())
        if not end:
            raise self.fail("unterminated heredoc")
        stop = end.end()
        token = self.text[self.i : stop] + "\n"
        self.i = stop
        return _heredoc(token, m.group(1) == "-")

    # -- templates --------------------------------------------------------------------------
    def string_parts(self) -> list[Any]:
        """A quoted string's template parts (opening quote at self.i)."""
        self.i += 1
        text, n = self.text, self.n
        flat: list[Any] = []
        buf: list[str] = []
        while True:
            if self.i >= n:
                raise self.fail("unterminated string")
            plain = _PLAIN.match(text, self.i)
            if plain is not None:
                buf.append(plain.group(0))
                self.i = plain.end()
                continue
            ch = text[self.i]
            if ch == '"':
                self.i += 1
                break
            if ch == "\\":
                buf.append(text[self.i : self.i + 2])
                self.i += 2
                continue
            if ch == "\n":
                raise self.fail("new line in a string")
            if (ch == "$" or ch == "%") and text.startswith(ch * 2 + "{", self.i):
                buf.append(text[self.i + 1 : self.i + 3])  # $${ -> ${ (kept escaped below)
                self.i += 3
                continue
            if (ch == "$" or ch == "%") and text.startswith("{", self.i + 1):
                if buf:
                    flat.append(unescape("".join(buf)))
                    buf = []
                self.i += 2
                saved = self.depth
                self.depth = 1
                self.skip()
                self.eat("~")
                self.skip()
                if ch == "$":
                    flat.append(("interp", self.expression()))
                else:
                    flat.append(self.directive())
                self.skip()
                self.eat("~")
                self.skip()
                self.expect("}")
                self.depth = saved
                continue
            buf.append(ch)
            self.i += 1
        if buf:
            flat.append(unescape("".join(buf)))
        return _merge(_nest(flat))

    def directive(self) -> tuple[Any, ...]:
        word = self.ident()
        if word == "if":
            return ("#if", self.expression())
        if word == "else":
            return ("#else",)
        if word == "endif":
            return ("#endif",)
        if word == "endfor":
            return ("#endfor",)
        if word == "for":
            self.skip()
            first = self.ident()
            self.skip()
            second = None
            if self.eat(","):
                self.skip()
                second = self.ident()
                self.skip()
            if self.ident() != "in":
                raise self.fail("expected in")
            coll = self.expression()
            k, v = (first, second) if second else (None, first)
            return ("#for", k, v, coll)
        raise self.fail("unknown template directive")


def _merge(parts: list[Any]) -> list[Any]:
    out: list[Any] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        else:
            out.append(part)
    return out


def fast_parse(text: str, file: str | None = None) -> Body:
    """Parse one file; :class:`FastParseError` when the fast reader gives up."""
    try:
        return _Parser(text, file).body(closing=False)
    except FastParseError:
        raise
    except RecursionError as exc:
        raise FastParseError("nested too deeply") from exc
    except Exception as exc:  # anything odd: let the lark grammar decide
        raise FastParseError(f"{type(exc).__name__}: {exc}") from exc


def fast_expression(text: str) -> Node:
    parser = _Parser(text, None)
    try:
        node = parser.expression()
        parser.skip(True)
    except FastParseError:
        raise
    except Exception as exc:  # RecursionError included
        raise FastParseError(f"{type(exc).__name__}: {exc}") from exc
    if parser.i != parser.n:
        raise FastParseError("trailing text after the expression")
    return node
