#!/usr/bin/env bash
# One entry point for Ping LinkedIn Sync: setup | build | test | run | bench | dist | lint.
# Every command installs what it needs first (idempotent and quick when all is there).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

# The wasm-bindgen crate is pinned with `=` in Cargo.toml; the CLI must be the same version.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

need_apt() {
    # Installs Debian packages that are missing; `apt-get update` only when something is.
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]} from Debian"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

setup_rust() {
    rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
        || { log "adding the wasm32 target"; rustup target add wasm32-unknown-unknown; }
    if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
        log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
        # Not --locked: one of its locked dependencies is not on the registry any more.
        cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --quiet
    fi
}

setup_node() {
    [ -f package.json ] || return 0
    if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        log "installing npm packages"
        npm ci --no-audit --no-fund --loglevel=error
    fi
}

setup_browser() {
    need_apt chromium chromium-driver
}

cmd_setup() {
    setup_rust
    setup_node
    setup_browser
}

has_crate() { [ -f "crates/$1/Cargo.toml" ]; }

cmd_build() {
    setup_rust
    setup_node
    has_crate ext || return 0
    log "building the extension into dist/"
    # Two wasm modules: the worker's (ping-ext) and the profile-page parser (ping-ext-profile),
    # which the worker instantiates only on the first profile page (crates/ext/README.md).
    cargo build --release --target wasm32-unknown-unknown -p ping-ext -p ping-ext-profile
    rm -rf dist extension/pkg
    local module
    for module in ping_ext ping_ext_profile; do
        wasm-bindgen --target web --no-typescript --remove-producers-section \
            --out-dir extension/pkg --out-name "$module" \
            "target/wasm32-unknown-unknown/release/$module.wasm"
        # npm's binaryen: Debian's wasm-opt 108 breaks this output (reference/toolchain.md P2).
        wasm-opt -Oz "extension/pkg/${module}_bg.wasm" -o "extension/pkg/${module}_bg.wasm"
    done
    mkdir -p dist
    cp manifest.json dist/
    cp -r extension/. dist/
}

cmd_lint() {
    log "rustfmt and clippy"
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --quiet -- -D warnings
    # Feature-gated code the workspace run leaves out: the PostgreSQL store and the benchmark hooks.
    cargo clippy -p ping-backend --all-targets --features postgres,s3 --quiet -- -D warnings
    cargo clippy -p ping-ext --all-targets --features bench --quiet -- -D warnings
    log "rustdoc over ping-core, ping-voyager-records and ping-protocol (missing docs and broken links are errors)"
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p ping-core -p ping-voyager-records -p ping-protocol --quiet
    # The JS <-> worker seam: extension/types/worker.d.ts must be what the Rust wire types
    # render to (regenerate with UPDATE_TYPES=1), and the extension's JS must type-check
    # against it and @types/chrome.
    log "worker message declarations and tsc over the extension's JS"
    cargo test -p ping-protocol --features schema --test worker_types --quiet
    setup_node
    tsc --noEmit -p tsconfig.json
}

cmd_test() {
    cmd_setup
    cmd_lint
    log "native tests"
    cargo test --workspace
    log "backend with PostgreSQL (its store contract runs when a server is reachable, else skips)"
    cargo test -p ping-backend --features postgres
    log "ping-core builds for wasm32"
    cargo check -p ping-core --target wasm32-unknown-unknown --quiet
    if has_crate ext && [ -f tests/e2e/run.mjs ]; then
        cmd_build
        log "browser end-to-end suite"
        cargo build --profile native-release -p ping-backend -p fake-linkedin --quiet
        node tests/e2e/run.mjs
    fi
}

cmd_run() {
    cmd_build
    has_crate backend || { log "the backend is not written yet"; exit 1; }
    # The same packages as the browser suite builds, so their dependencies' features match
    # and `run` after `test` starts at once instead of rebuilding for minutes.
    cargo build --profile native-release -p ping-backend -p fake-linkedin --quiet
    log "extension: load $ROOT/dist unpacked from chrome://extensions (Developer mode)"
    exec target/native-release/ping-backend serve "$@"
}

cmd_bench() {
    cmd_setup
    cmd_build
    exec tests/bench/run.sh
}

cmd_dist() {
    cmd_build
    need_apt zip
    local version; version="$(sed -n 's/.*"version": "\([^"]*\)".*/\1/p' manifest.json | head -1)"
    (cd dist && rm -f "../ping-linkedin-sync-$version.zip" && zip -qr "../ping-linkedin-sync-$version.zip" .)
    log "wrote ping-linkedin-sync-$version.zip"
}

case "${1:-}" in
    setup|build|test|run|bench|dist|lint) cmd="$1"; shift; "cmd_$cmd" "$@" ;;
    *) echo "usage: ./build.sh setup|build|test|run|bench|dist|lint" >&2; exit 2 ;;
esac
