"""The hand-kept stub `_native.pyi` against the compiled module: the same
public names, classes, bases, methods, attributes and parameters, and a
docstring on everything public. A change on one side only fails here."""

from __future__ import annotations

import ast
import inspect
import pathlib

import pytest

import candidats
from candidats import _native

STUB_PATH = pathlib.Path(candidats.__file__).with_name("_native.pyi")
STUB = ast.parse(STUB_PATH.read_text(encoding="utf-8"))

# Dunder methods the stub declares on purpose; other dunders are left to
# `object` and pyo3.
DUNDERS = {"__len__", "__getitem__", "__iter__"}


def stub_module_names() -> dict[str, ast.AST]:
    """Top-level classes, functions and annotated values of the stub.

    Plain assignments (`Role = Literal[...]`, `_R = TypeVar(...)`) are
    aliases for type checkers only, and are not module attributes."""
    names = {}
    for node in STUB.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
    return names


STUB_NAMES = stub_module_names()
STUB_CLASSES = {name: node for name, node in STUB_NAMES.items() if isinstance(node, ast.ClassDef)}


def public(name: str) -> bool:
    return not name.startswith("_") or name in DUNDERS


def is_property(node: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)


def stub_members(node: ast.ClassDef) -> dict[str, str]:
    """The class's members in the stub: name -> "attribute" or "method"."""
    members = {}
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and public(item.name):
            members[item.name] = "attribute" if is_property(item) else "method"
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            members[item.target.id] = "attribute"
    return members


def runtime_members(cls: type) -> dict[str, str]:
    """The class's own members at run time: name -> "attribute" or "method"."""
    members = {}
    for name, value in vars(cls).items():
        if not public(name):
            continue
        members[name] = "attribute" if inspect.isdatadescriptor(value) else "method"
    return members


def is_exception(cls: type) -> bool:
    return isinstance(cls, type) and issubclass(cls, BaseException)


def test_the_module_and_the_stub_have_the_same_names():
    runtime = {name for name in dir(_native) if not name.startswith("_")} | {"__version__"}

    assert sorted(set(STUB_NAMES) - runtime) == [], "in the stub, not in the module"
    assert sorted(runtime - set(STUB_NAMES)) == [], "in the module, not in the stub"


def test_the_package_exports_the_whole_module():
    runtime = {name for name in dir(_native) if not name.startswith("_")} | {"__version__"}

    assert set(candidats.__all__) == runtime
    for name in candidats.__all__:
        assert getattr(candidats, name) is getattr(_native, name)


@pytest.mark.parametrize("name", sorted(STUB_CLASSES))
def test_classes_have_the_stub_bases(name):
    cls = getattr(_native, name)
    stub_bases = [ast.unparse(base) for base in STUB_CLASSES[name].bases]
    stub_bases = [base for base in stub_bases if not base.startswith("Generic[")]

    runtime_bases = [base.__name__ for base in cls.__bases__ if base is not object]

    assert runtime_bases == stub_bases


@pytest.mark.parametrize(
    "name", sorted(n for n in STUB_CLASSES if not is_exception(getattr(_native, n)))
)
def test_classes_have_the_stub_members(name):
    cls = getattr(_native, name)

    stub = stub_members(STUB_CLASSES[name])
    runtime = runtime_members(cls)

    assert {k: v for k, v in stub.items() if k != "__init__"} == runtime


def parameters(node: ast.FunctionDef) -> list[tuple[str, str, str | None]]:
    """(name, kind, default) of a stub function's parameters, `self` left out."""
    args = node.args
    result = []
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in zip(positional, defaults):
        if arg.arg != "self":
            result.append((arg.arg, "POSITIONAL_OR_KEYWORD", literal(default)))
    if args.vararg:
        result.append((args.vararg.arg, "VAR_POSITIONAL", None))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        result.append((arg.arg, "KEYWORD_ONLY", literal(default)))
    if args.kwarg:
        result.append((args.kwarg.arg, "VAR_KEYWORD", None))
    return result


def literal(node: ast.AST | None) -> str | None:
    return None if node is None else repr(ast.literal_eval(node))


def runtime_parameters(function) -> list[tuple[str, str, str | None]]:
    signature = inspect.signature(function)
    result = []
    for parameter in signature.parameters.values():
        if parameter.name in ("self", "cls"):
            continue
        kind = parameter.kind.name
        if kind == "POSITIONAL_ONLY":
            kind = "POSITIONAL_OR_KEYWORD"
        default = None if parameter.default is inspect.Parameter.empty else repr(parameter.default)
        result.append((parameter.name, kind, default))
    return result


def stub_functions():
    for name, node in STUB_NAMES.items():
        if isinstance(node, ast.FunctionDef):
            yield name, node, getattr(_native, name)
    for class_name, class_node in STUB_CLASSES.items():
        cls = getattr(_native, class_name)
        if is_exception(cls):
            continue
        for item in class_node.body:
            if not isinstance(item, ast.FunctionDef) or is_property(item):
                continue
            if item.name.startswith("__") and item.name != "__init__":
                continue
            target = cls if item.name == "__init__" else getattr(cls, item.name)
            yield f"{class_name}.{item.name}", item, target


STUB_FUNCTIONS = {name: (node, target) for name, node, target in stub_functions()}


@pytest.mark.parametrize("name", sorted(STUB_FUNCTIONS))
def test_functions_take_the_stub_parameters(name):
    node, target = STUB_FUNCTIONS[name]

    assert runtime_parameters(target) == parameters(node)


def public_objects():
    for name in dir(_native):
        if name.startswith("_"):
            continue
        value = getattr(_native, name)
        if callable(value):
            yield name, value
        if isinstance(value, type):
            for member, member_value in vars(value).items():
                if not member.startswith("_"):
                    yield f"{name}.{member}", member_value


@pytest.mark.parametrize("name,value", sorted(public_objects(), key=lambda item: item[0]))
def test_everything_public_has_a_docstring(name, value):
    assert (value.__doc__ or "").strip(), f"{name} has no docstring"
