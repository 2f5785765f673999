"""Read Terraform files (HCL and ``.tf.json``) into blocks whose attribute values are small
expression trees, evaluated later by :mod:`demarcate.sources.terraform.evaluate`.

python-hcl2's lark grammar does the parsing (``hcl2.api.parses_to_tree`` keeps line numbers);
this module turns the raw tree into tuples:

``("lit", v)``, ``("tmpl", parts)``, ``("var", name)``, ``("attr", obj, name)``,
``("index", obj, key)``, ``("splat", obj, ops)``, ``("call", name, args, expand)``,
``("tuple", items)``, ``("object", [(key, value)])``, ``("cond", c, a, b)``,
``("binop", op, l, r)``, ``("unop", op, x)``,
``("for_tuple", k, v, coll, expr, cond)``, ``("for_object", k, v, coll, key, value, group, cond)``.

Template parts are strings or ``("interp", expr)``, ``("if", cond, then, else)``,
``("for", k, v, coll, body)``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeGuard

from demarcate.sources.iac.limits import InputRejected, max_nesting

if TYPE_CHECKING:  # lark is imported only when the grammar is needed (the fast reader
    from lark import Token, Tree  # handles valid files on its own)

Node = tuple[Any, ...]


class HclError(Exception):
    """A Terraform file that does not parse; ``line`` where the parser stopped."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Attribute:
    name: str
    expr: Node
    line: int | None = None


@dataclass
class Block:
    type: str
    labels: list[str]
    body: Body
    line: int | None = None
    file: str | None = None


@dataclass
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)  # blocks skipped

    def blocks_of(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.type == kind]


# ---- lark helpers -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _parser() -> Any:
    from hcl2.parser import parser

    return parser()


def _parse_tree(text: str) -> Tree:
    return _parser().parse(text + "\n")


def _is_tree(x: Any) -> bool:
    return hasattr(x, "data") and hasattr(x, "children")


def _is_token(x: Any) -> TypeGuard[Token]:
    """A lark Token (a ``str`` subclass with ``.type``) among a tree's children."""
    return isinstance(x, str)


def _children(tree: Tree) -> list[Any]:
    return [c for c in tree.children if not (_is_tree(c) and c.data == "new_line_or_comment")]


def _trees(tree: Tree) -> list[Tree]:
    return [c for c in _children(tree) if _is_tree(c)]


def _line(tree: Any) -> int | None:
    meta = getattr(tree, "meta", None)
    return getattr(meta, "line", None) if meta is not None and not meta.empty else None


_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    """HCL quoted-string escapes, plus ``$${`` / ``%%{`` to literal ``${`` / ``%{``."""
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if nxt in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[nxt])
                i += 2
                continue
            if nxt in "uU":
                width = 4 if nxt == "u" else 8
                digits = text[i + 2 : i + 2 + width]
                if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
                    code = int(digits, 16)
                    if code <= 0x10FFFF and not 0xD800 <= code < 0xE000:
                        out.append(chr(code))
                        i += 2 + width
                        continue
            out.append(ch)
            i += 1
            continue
        if text.startswith("$${", i) or text.startswith("%%{", i):
            out.append(text[i + 1 : i + 3])
            i += 3
            continue
        out.append(ch)
        i += 1
    return "".join(out)


# ---- tree -> AST --------------------------------------------------------------------------


def _name(tree: Any) -> str:
    """identifier / keyword / literal_value / string used as a name or label."""
    if isinstance(tree, str):
        return str(tree)
    if tree.data == "string":
        parts = _template_parts(tree)
        return "".join(p for p in parts if isinstance(p, str))
    tok = tree.children[0]
    return str(tok.children[0] if _is_tree(tok) else tok)


def _block(tree: Tree, file: str | None) -> Block:
    items = _children(tree)
    lbrace = next(i for i, c in enumerate(items) if _is_token(c) and c.type == "LBRACE")
    names = [_name(c) for c in items[:lbrace]]
    body_tree = items[lbrace + 1]
    return Block(names[0], names[1:], _body(body_tree, file), _line(tree), file)


def _body(tree: Tree, file: str | None) -> Body:
    body = Body()
    for child in _trees(tree):
        if child.data == "attribute":
            kids = _children(child)
            name = _name(kids[0])
            body.attributes[name] = Attribute(name, expr(kids[-1]), _line(child))
        elif child.data == "block":
            body.blocks.append(_block(child, file))
    return body


def expr(tree: Any) -> Node:
    """Convert one expression subtree."""
    if _is_token(tree):
        return _token(tree)
    kind = tree.data
    kids = _children(tree)
    if kind == "expr_term":
        inner = [k for k in kids if not (_is_token(k) and k.type in ("LPAR", "RPAR"))]
        return expr(inner[0])
    if kind == "int_lit":
        return ("lit", int(str(kids[0])))
    if kind == "float_lit":
        number = float(str(kids[0]))
        return ("lit", int(number) if number.is_integer() else number)
    if kind == "literal_value":
        text = str(kids[0])
        return ("lit", {"true": True, "false": False, "null": None}[text])
    if kind == "identifier":
        return ("var", str(kids[0]))
    if kind == "keyword":
        return ("var", str(kids[0]))
    if kind == "string":
        return _template(_template_parts(tree))
    if kind == "template_string":
        return ("lit", unescape(str(kids[0])[2:-2]))
    if kind in ("heredoc_template", "heredoc_template_trim"):
        return _heredoc(str(kids[0]), kind == "heredoc_template_trim")
    if kind == "tuple":
        return ("tuple", [expr(k) for k in kids if _is_tree(k)])
    if kind == "object":
        elems = []
        for elem in kids:
            if _is_tree(elem) and elem.data == "object_elem":
                parts = _trees(elem)
                key_tree = parts[0]
                key_inner = _trees(key_tree)[0] if _trees(key_tree) else key_tree.children[0]
                key = expr(key_inner)
                if key[0] == "var":  # bare identifiers are literal keys
                    key = ("lit", key[1])
                elems.append((key, expr(parts[1])))
        return ("object", elems)
    if kind == "function_call":
        names = [str(k.children[0]) for k in kids if _is_tree(k) and k.data == "identifier"]
        args_tree = next((k for k in kids if _is_tree(k) and k.data == "arguments"), None)
        args: list[Node] = []
        expand = False
        if args_tree is not None:
            args = [expr(a) for a in _trees(args_tree)]
            expand = any(_is_token(a) and a.type == "ELLIPSIS" for a in args_tree.children)
        return ("call", "::".join(names), args, expand)
    if kind == "get_attr_expr_term":
        obj, getter = kids
        return ("attr", expr(obj), _name(_trees(getter)[0]))
    if kind == "index_expr_term":
        obj, index = kids
        return ("index", expr(obj), _index(index))
    if kind in ("attr_splat_expr_term", "full_splat_expr_term"):
        obj, splat = kids
        ops: list[tuple[str, Any]] = []
        for op in _trees(splat):
            if op.data == "get_attr":
                ops.append(("attr", _name(_trees(op)[0])))
            else:
                ops.append(("index", _index(op)))
        return ("splat", expr(obj), ops)
    if kind == "conditional":
        parts = _trees(tree)
        return ("cond", expr(parts[0]), expr(parts[1]), expr(parts[2]))
    if kind == "binary_op":
        left, term = _trees(tree)
        op_tree, right = _trees(term)
        return ("binop", str(op_tree.children[0]), expr(left), expr(right))
    if kind == "unary_op":
        op_text = str(kids[0])
        return ("unop", op_text, expr(kids[1]))
    if kind == "for_tuple_expr":
        intro, *rest = _trees(tree)
        k, v, coll = _for_intro(intro)
        body = expr(rest[0])
        cond = expr(_trees(rest[1])[0]) if len(rest) > 1 else None
        return ("for_tuple", k, v, coll, body, cond)
    if kind == "for_object_expr":
        intro, *rest = _trees(tree)
        k, v, coll = _for_intro(intro)
        group = any(_is_token(c) and c.type == "ELLIPSIS" for c in tree.children)
        key = expr(rest[0])
        value = expr(rest[1])
        cond = expr(_trees(rest[2])[0]) if len(rest) > 2 else None
        return ("for_object", k, v, coll, key, value, group, cond)
    if kind in ("braces_index", "short_index"):
        return _index(tree)
    raise HclError(f"unsupported expression {kind}", _line(tree))


def _token(tok: Token) -> Node:
    if tok.type == "INT_LITERAL":
        return ("lit", int(str(tok)))
    if tok.type == "FLOAT_LITERAL":
        return ("lit", float(str(tok)))
    return ("var", str(tok))


def _index(tree: Tree) -> Node:
    if tree.data == "short_index":
        return ("lit", int(str(tree.children[-1])))
    return expr(_trees(tree)[0])


def _for_intro(intro: Tree) -> tuple[str | None, str, Node]:
    names = [str(c.children[0]) for c in _trees(intro) if c.data == "identifier"]
    coll = [c for c in _trees(intro) if c.data != "identifier"]
    if len(names) == 2:
        return names[0], names[1], expr(coll[0])
    return None, names[0], expr(coll[0])


# ---- templates ----------------------------------------------------------------------------


def _template_parts(tree: Tree) -> list[Any]:
    """Flat template parts of a quoted string: str, ("interp", e) and directive markers."""
    flat: list[Any] = []
    for part in tree.children:
        if not _is_tree(part) or part.data != "string_part":
            continue
        inner = part.children[0]
        if _is_token(inner):
            text = str(inner)
            if inner.type == "ESCAPED_INTERPOLATION" or inner.type == "ESCAPED_DIRECTIVE":
                flat.append(text[1:])
            else:
                flat.append(unescape(text))
            continue
        if inner.data == "interpolation":
            flat.append(("interp", expr(_trees(inner)[0])))
        elif inner.data == "template_if_start":
            flat.append(("#if", expr(_trees(inner)[0])))
        elif inner.data == "template_else":
            flat.append(("#else",))
        elif inner.data == "template_endif":
            flat.append(("#endif",))
        elif inner.data == "template_for_start":
            ids = [str(c.children[0]) for c in _trees(inner) if c.data == "identifier"]
            coll = [c for c in _trees(inner) if c.data != "identifier"]
            k, v = (ids[0], ids[1]) if len(ids) == 2 else (None, ids[0])
            flat.append(("#for", k, v, expr(coll[0])))
        elif inner.data == "template_endfor":
            flat.append(("#endfor",))
    return _nest(flat)


def _nest(flat: list[Any]) -> list[Any]:
    """Assemble flat directive markers into ("if", …) / ("for", …) parts."""
    out: list[Any] = []
    stack: list[tuple[list[Any], Any]] = []
    current = out
    for part in flat:
        if isinstance(part, tuple) and part[0] == "#if":
            node = ["if", part[1], [], []]
            current.append(node)
            stack.append((current, node))
            current = node[2]
        elif isinstance(part, tuple) and part[0] == "#else":
            if not stack or stack[-1][1][0] != "if":
                raise HclError("%{else} without %{if}")
            current = stack[-1][1][3]
        elif isinstance(part, tuple) and part[0] == "#endif":
            if not stack or stack[-1][1][0] != "if":
                raise HclError("%{endif} without %{if}")
            current, _ = stack.pop()
        elif isinstance(part, tuple) and part[0] == "#for":
            node = ["for", part[1], part[2], part[3], []]
            current.append(node)
            stack.append((current, node))
            current = node[4]
        elif isinstance(part, tuple) and part[0] == "#endfor":
            if not stack or stack[-1][1][0] != "for":
                raise HclError("%{endfor} without %{for}")
            current, _ = stack.pop()
        else:
            current.append(part)
    if stack:
        raise HclError("unterminated template directive")
    return [_freeze(p) for p in out]


def _freeze(part: Any) -> Any:
    if isinstance(part, list):
        if part[0] == "if":
            return ("if", part[1], [_freeze(p) for p in part[2]], [_freeze(p) for p in part[3]])
        return ("for", part[1], part[2], part[3], [_freeze(p) for p in part[4]])
    return part


def _template(parts: list[Any]) -> Node:
    if not parts:
        return ("lit", "")
    if all(isinstance(p, str) for p in parts):
        return ("lit", "".join(parts))
    return ("tmpl", parts)


_HEREDOC = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)\r?\n(.*?)\r?\n?[ \t]*\1\r?\n?$", re.S)


def _heredoc(token: str, trim: bool) -> Node:
    match = _HEREDOC.match(token)
    body = match.group(2) if match else ""
    if body and not body.endswith("\n"):
        body += "\n"
    if trim:
        lines = body.split("\n")
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
        cut = min(indents) if indents else 0
        body = "\n".join(ln[cut:] for ln in lines)
    return parse_template(body)


def parse_template(text: str) -> Node:
    """A template without surrounding quotes (heredoc bodies, .tf.json strings)."""
    if "${" not in text and "%{" not in text:
        return ("lit", text.replace("$${", "${").replace("%%{", "%{"))
    flat: list[Any] = []
    buf: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        if text.startswith("$${", i) or text.startswith("%%{", i):
            buf.append(text[i + 1 : i + 3])
            i += 3
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            end = _matching_brace(text, i + 2)
            inner = text[i + 2 : end].strip()
            if buf:
                flat.append("".join(buf))
                buf = []
            if text[i] == "$":
                flat.append(("interp", parse_expression(inner.strip("~").strip())))
            else:
                flat.append(_directive(inner.strip("~").strip()))
            i = end + 1
            continue
        buf.append(text[i])
        i += 1
    if buf:
        flat.append("".join(buf))
    return _template(_nest(flat))


def _directive(text: str) -> tuple[Any, ...]:
    if text == "else":
        return ("#else",)
    if text == "endif":
        return ("#endif",)
    if text == "endfor":
        return ("#endfor",)
    if text.startswith("if "):
        return ("#if", parse_expression(text[3:]))
    match = re.match(r"for\s+(\w+)\s*(?:,\s*(\w+))?\s+in\s+(.*)$", text, re.S)
    if match:
        a, b, coll = match.groups()
        k, v = (a, b) if b else (None, a)
        return ("#for", k, v, parse_expression(coll))
    raise HclError(f"unknown template directive %{{{text}}}")


def _matching_brace(text: str, start: int) -> int:
    depth = 1
    i = start
    quote = False
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                quote = False
        elif ch == '"':
            quote = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise HclError("unterminated ${ in template")


def parse_expression(text: str) -> Node:
    """One expression from source text (template interpolations, -var values)."""
    from demarcate.sources.terraform.fastparse import FastParseError, fast_expression

    try:
        return fast_expression(text)
    except FastParseError:
        pass
    tree = _parse_tree(f"__x = {text}")
    body = _trees(tree)[0]
    attr = _trees(body)[0]
    return expr(_children(attr)[-1])


# ---- files --------------------------------------------------------------------------------


def parse_hcl(text: str, file: str | None = None, fast: bool = True) -> Body:
    """Parse one ``.tf`` / ``.tfvars`` file; :class:`HclError` with a line on failure."""
    try:
        max_nesting(text)
    except InputRejected as exc:
        raise HclError(str(exc), exc.line) from exc
    if fast:
        from demarcate.sources.terraform.fastparse import FastParseError, fast_parse

        try:
            return fast_parse(text, file)
        except FastParseError:
            pass  # the lark grammar decides (and words the error)
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = _parse_tree(text)
    except UnexpectedInput as exc:
        message = str(exc).strip().splitlines()[0]
        raise HclError(message, getattr(exc, "line", None)) from exc
    except LarkError as exc:
        raise HclError(str(exc).strip().splitlines()[0]) from exc
    body = Body()
    for child in _trees(_trees(tree)[0]):
        try:
            if child.data == "attribute":
                kids = _children(child)
                name = _name(kids[0])
                body.attributes[name] = Attribute(name, expr(kids[-1]), _line(child))
            elif child.data == "block":
                body.blocks.append(_block(child, file))
        except RecursionError:
            body.errors.append((_line(child), "expression nested too deeply"))
        except (LarkError, HclError) as exc:
            body.errors.append(
                (getattr(exc, "line", None) or _line(child), str(exc).strip().splitlines()[0])
            )
    return body


# ---- .tf.json -----------------------------------------------------------------------------

# Top-level block types and how many labels each takes in JSON syntax.
_JSON_LABELS = {
    "resource": 2,
    "data": 2,
    "module": 1,
    "variable": 1,
    "output": 1,
    "provider": 1,
    "locals": 0,
    "terraform": 0,
}
# Inside these blocks, object values are attribute maps, never nested blocks.
_MAP_ATTRIBUTES = frozenset({"tags", "tags_all", "default", "variables", "environment_variables"})


def _json_value(value: Any) -> Node:
    if isinstance(value, str):
        return parse_template(value)
    if isinstance(value, list):
        return ("tuple", [_json_value(v) for v in value])
    if isinstance(value, dict):
        return ("object", [(("lit", k), _json_value(v)) for k, v in value.items()])
    return ("lit", value)


def _json_body(obj: dict[str, Any], file: str | None, line: int | None, depth: int = 0) -> Body:
    body = Body()
    for key, value in obj.items():
        if key == "//":
            continue
        nested = (
            depth > 0
            and key not in _MAP_ATTRIBUTES
            and (
                (isinstance(value, dict) and value and key not in ("locals",))
                or (isinstance(value, list) and value and all(isinstance(v, dict) for v in value))
            )
        )
        if key == "dynamic" and isinstance(value, dict):
            for label, content in value.items():
                for item in content if isinstance(content, list) else [content]:
                    body.blocks.append(
                        Block(
                            "dynamic", [label], _json_body(item, file, line, depth + 1), line, file
                        )
                    )
            continue
        if nested and key in ("lifecycle", "connection", "provisioner"):
            continue
        if nested:
            items = value if isinstance(value, list) else [value]
            for item in items:
                body.blocks.append(
                    Block(key, [], _json_body(item, file, line, depth + 1), line, file)
                )
        else:
            body.attributes[key] = Attribute(key, _json_value(value), line)
    return body


def _json_line(text: str, *names: str) -> int | None:
    pos = 0
    for name in names:
        found = text.find(json.dumps(name), pos)
        if found < 0:
            return None
        pos = found + 1
    return text.count("\n", 0, pos) + 1


def parse_tf_json(text: str, file: str | None = None) -> Body:
    try:
        max_nesting(text)
    except InputRejected as exc:
        raise HclError(str(exc), exc.line) from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HclError(exc.msg, exc.lineno) from exc
    if not isinstance(doc, dict):
        raise HclError("a .tf.json file must hold a JSON object", 1)
    body = Body()
    for kind, content in doc.items():
        labels = _JSON_LABELS.get(kind)
        if labels is None or not isinstance(content, (dict, list)):
            continue
        for item in content if isinstance(content, list) else [content]:
            if not isinstance(item, dict):
                continue
            if labels == 0:
                if kind == "locals":
                    blk = Block(kind, [], Body(), _json_line(text, kind), file)
                    for key, value in item.items():
                        blk.body.attributes[key] = Attribute(key, _json_value(value), blk.line)
                    body.blocks.append(blk)
                else:
                    body.blocks.append(Block(kind, [], _json_body(item, file, None, 1), None, file))
                continue
            for first, rest in item.items():
                if labels == 1:
                    for inner in rest if isinstance(rest, list) else [rest]:
                        if isinstance(inner, dict):
                            line = _json_line(text, kind, first)
                            body.blocks.append(
                                Block(kind, [first], _json_body(inner, file, line, 1), line, file)
                            )
                    continue
                if not isinstance(rest, dict):
                    continue
                for second, inner_val in rest.items():
                    for inner in inner_val if isinstance(inner_val, list) else [inner_val]:
                        if isinstance(inner, dict):
                            line = _json_line(text, kind, first, second)
                            body.blocks.append(
                                Block(
                                    kind,
                                    [first, second],
                                    _json_body(inner, file, line, 1),
                                    line,
                                    file,
                                )
                            )
    return body


def parse_tfvars_json(text: str) -> dict[str, Node]:
    doc = json.loads(text)
    if not isinstance(doc, dict):
        raise HclError("a .tfvars.json file must hold a JSON object", 1)
    return {k: ("lit", v) for k, v in doc.items()}
