/* sym/line.h - DWARF line tables of an image: address to file:line, file:line to addresses, and the
 * first address past a function's prologue. A compile unit's table is decoded the first time an
 * address or file in it is asked for, then kept as a sorted array.
 *
 * File names are the paths the Go toolchain recorded (absolute, or with $GOROOT expanded as the
 * linker did). A query file matches a recorded path when it is equal to it or is a suffix of it
 * that starts after a '/': "main.go" and "symtest/main.go" both match "/src/symtest/main.go". */
#ifndef GOSTUB_SYM_LINE_H
#define GOSTUB_SYM_LINE_H

#include "frontend/sym/image.h"

struct sym_line {
    uint64_t addr;    /* first address of the row that covers the query */
    const char *file; /* valid until sym_image_free */
    uint32_t line;
    uint32_t col;
    bool is_stmt;
    bool prologue_end;
};

/* The row covering ADDR. 0, -ENOENT (no line information for ADDR), or -errno from loading. */
SYM_MUST_CHECK int sym_line_for_addr(struct sym_image *img, uint64_t addr, struct sym_line *out);

/* Addresses where a breakpoint on FILE:LINE belongs, chosen as Delve chooses them: the rows on the
 * line are grouped by concrete function and, inside it, by innermost inlined call; each group gives
 * its first is_stmt address (else its first address); a function's own entry moves past the
 * prologue while that is still on LINE. So a line yields one address per function and per inlined
 * copy - not the morestack tail that Go also attributes to the declaration line. When no row is on
 * the line, the starts of inlined calls made from it (DW_AT_call_file/call_line) are used.
 * Compiler-generated wrappers (names with "·dwrap·") are skipped. Sorted, unique, at most MAX
 * written; *count is the number found (may exceed MAX); *file_out (optional) is the recorded path
 * matched. 0, -ENOENT (no such file, or no code on that line), -EINVAL (FILE matches several
 * different recorded paths: be more specific). Loads the name index and the file tables of every
 * unit. */
SYM_MUST_CHECK int sym_line_addrs(struct sym_image *img, const char *file, uint32_t line,
                                  uint64_t *addrs, size_t max, size_t *count,
                                  const char **file_out);

/* The address past the prologue of the function that starts at ENTRY (its lowpc): the first row
 * with prologue_end inside the function, else the second is_stmt row's address, else ENTRY. 0 or
 * -ENOENT when no function starts at ENTRY. */
SYM_MUST_CHECK int sym_func_body_addr(struct sym_image *img, uint64_t entry, uint64_t *addr);

/* Every recorded source path, for completion and substitute-path: calls CB(path, ctx) once per
 * distinct (CU, path) pair; a nonzero return stops and is returned. Loads every CU's file table. */
typedef int (*sym_file_cb)(const char *path, void *ctx);
SYM_MUST_CHECK int sym_files_foreach(struct sym_image *img, sym_file_cb cb, void *ctx);

#endif
