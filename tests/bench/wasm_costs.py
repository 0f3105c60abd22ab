#!/usr/bin/env python3
"""What each dependency costs in a wasm module, for crates/ext/README.md.

Usage: wasm_costs.py <twiggy-top.csv>...  where each CSV is
`twiggy top -n 100000 --format csv <module>_bg.wasm` over wasm-bindgen's output of a build with
`RUSTFLAGS="-C symbol-mangling-version=v0"` (v0 names carry generic arguments) and before
`wasm-opt`, which drops the names. Sizes are code and data; the name and custom sections, which
are not shipped, are left out.
"""
import collections
import csv
import re
import sys

STD = {"core", "alloc", "std", "dlmalloc", "str", "mut", "char", "u8", "u16", "u32", "u64",
       "usize", "i32", "i64", "f64", "bool", "slice", "memcmp", "__rustc", "__multi3"}
GROUPS = {
    "html5ever": {"html5ever", "markup5ever", "tendril", "string_cache"},
    "scraper": {"scraper", "selectors", "cssparser", "ego_tree"},
    "wasm-bindgen": {"wasm_bindgen", "js_sys", "web_sys"},
}
GLUE = {"import", "table", "elem", "export", "memory", "global", "element", "code", "type", "_",
        "handle_message", "Closure", "Ref"}


def category(name):
    if name.startswith("data segment"):
        return "data"
    # serde's generic code is named after whichever type it is for: count it as serde.
    if re.search(r"serde|Deserializ|Serializ|json::tree", name):
        return "serde"
    match = re.match(r"[<&\s(]*(?:dyn )?(\w+)", name)
    crate = match.group(1) if match else "?"
    if crate in STD:
        return "std"
    for group, crates in GROUPS.items():
        if crate in crates:
            return group
    if crate.startswith(("__wbindgen", "__externref")) or crate in GLUE:
        return "glue"
    if crate in {"ping_core", "ping_ext", "ping_protocol", "chrono", "hashbrown"}:
        return crate
    return "other"


for path in sys.argv[1:]:
    costs = collections.Counter()
    for row in list(csv.reader(open(path)))[1:]:
        name, size = re.sub(r"\[[0-9a-f]{16}\]", "", row[0]), int(row[1])
        if "subsection" not in name and "custom section" not in name:
            costs[category(name)] += size
    print(f"{path}: {sum(costs.values()) / 1000:.1f} KB")
    for group, size in costs.most_common():
        print(f"  {size / 1000:8.1f} KB  {group}")
