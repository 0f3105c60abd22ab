#!/usr/bin/env bash
# Every benchmark, one after another, each printing its own table. Called by `./build.sh bench`
# after the extension is built into dist/. Speed is measured here, never asserted in tests.
set -euo pipefail
cd "$(dirname "$0")/../.."

section() { printf '\n## %s\n\n' "$*"; }

section "Push ingest (ping-backend): messages per second, batches of 500"
cargo bench --quiet -p ping-backend --features postgres --bench ingest

section "Data export import (ping-backend): a 100,000-message LinkedIn export, beside plain inserts"
cargo bench --quiet -p ping-backend --features postgres --bench import

section "Web UI at scale (ping-backend): page p50/p95 with 10,000 contacts and 300,000 messages, push latency under 4 page loads"
cargo bench --quiet -p ping-backend --features postgres --bench pages

section "Voyager requests per sync (ping-core planner against fake-linkedin, native)"
cargo bench --quiet -p fake-linkedin --bench sync_requests

section "Account safety: a first sync at the default pace, in simulated time"
cargo bench --quiet -p fake-linkedin --bench pacing

section "Extension size"
if [ -f dist/pkg/ping_ext_bg.wasm ]; then
    printf '| file | raw bytes | gzip -9 bytes |\n|---|---|---|\n'
    for file in dist/pkg/*.wasm dist/pkg/*.js; do
        printf '| %s | %s | %s |\n' "$file" "$(wc -c <"$file")" "$(gzip -9c "$file" | wc -c)"
    done
    printf '| dist/ (whole unpacked extension) | %s | |\n' "$(du -sb dist | cut -f1)"
else
    echo "dist/ has no wasm: run ./build.sh build first"
fi

section "In the browser: sizes, service-worker cold start beside an empty worker, Voyager parsing beside JSON.parse"
# The same extension with ping-ext's parse-timing exports, in its own folder beside dist/
# (sizes are read from dist/ itself).
bench_dir=target/bench-extension
cargo build --quiet --release --target wasm32-unknown-unknown -p ping-ext --features bench
rm -rf "$bench_dir" && cp -r dist "$bench_dir"
wasm-bindgen --target web --no-typescript --out-dir "$bench_dir/pkg" --out-name ping_ext \
    target/wasm32-unknown-unknown/release/ping_ext.wasm
wasm-opt -Oz "$bench_dir/pkg/ping_ext_bg.wasm" -o "$bench_dir/pkg/ping_ext_bg.wasm"
# The profile-page module's limit: scraper alone (crates/ext-profile/examples/scraper_floor.rs),
# built and optimised as the shipped modules are.
cargo build --quiet --release --target wasm32-unknown-unknown -p ping-ext-profile --example scraper_floor
wasm-bindgen --target web --no-typescript --remove-producers-section --out-dir "$bench_dir/floor" \
    --out-name scraper_floor target/wasm32-unknown-unknown/release/examples/scraper_floor.wasm
wasm-opt -Oz "$bench_dir/floor/scraper_floor_bg.wasm" -o "$bench_dir/floor/scraper_floor_bg.wasm"
cargo build --quiet --profile native-release -p ping-backend -p fake-linkedin
PING_BENCH_DIST="$PWD/$bench_dir" PING_SHIPPED_DIST="$PWD/dist" \
    PING_SCRAPER_FLOOR="$PWD/$bench_dir/floor/scraper_floor_bg.wasm" node tests/e2e/bench.mjs
