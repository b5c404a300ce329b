#!/bin/sh
# tests/format_check.sh - every C file of the project is formatted as .clang-format says (STYLE.md:
# clang-format, LLVM base, 4-space indent, Linux braces, 100 columns). Generated tables are left out.
# Exit 77 only when clang-format is not installed. To fix: clang-format -i FILE.
top=${top_srcdir:-$(dirname "$0")/..}
command -v clang-format >/dev/null 2>&1 || { echo "clang-format is not installed"; exit 77; }
cd "$top" || exit 1
[ -d .git ] && command -v git >/dev/null 2>&1 || { echo "not a git checkout: nothing to list"; exit 77; }
files=$(git ls-files '*.c' '*.h' | grep -v -E '(gofmt_cases|gofmt_unicode|expr_cases)\.h$')
bad=0
for f in $files; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f"
        bad=$((bad + 1))
    fi
done
echo "format_check: $(echo "$files" | wc -l) files, $bad not formatted"
[ "$bad" -eq 0 ]
