/*
 * goruntime/value.h - Go values read from a stopped process and printed as dlv 1.20 prints them.
 *
 * Two steps, as dlv does them: a value is first *loaded* into a tree (bounded by a load
 * configuration: how deep, how many elements, how long a string, whether pointers are followed),
 * then the tree is *printed*, on one line (locals, args, nested values) or on several (print).
 * Keeping dlv's two steps is what makes the output agree in the corner cases: "[...]" for a map
 * loaded too deep, "(*main.T)(0x...)" for a struct not loaded, "...+N more" past a limit.
 *
 * Everything read from the target is hostile: lengths, counts and pointers are bounded, cycles end
 * at the recursion limit, and a value that cannot be read says why in place, "(unreadable ...)",
 * as dlv does. Not for: evaluating expressions (eval.h), finding variables, run control.
 */
#ifndef GOSTUB_GORUNTIME_VALUE_H
#define GOSTUB_GORUNTIME_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend/goruntime/gofmt.h"
#include "frontend/goruntime/gomem.h"
#include "frontend/sym/type.h"
#include "rsp/codec.h"

/* dlv's LoadConfig (config max-string-len, max-array-values, max-variable-recurse). */
struct gort_load_config {
    bool follow_pointers;
    int max_recurse;       /* MaxVariableRecurse */
    int max_string_len;    /* bytes read of a string */
    int max_array_values;  /* elements of arrays and slices, entries of maps */
    int max_struct_fields; /* -1: all */
};

/* What dlv's `print` loads ({true, 1, 64, 64, -1}) and what its `locals`/`args` load
 * ({false, 0, 64, 0, 3}). */
extern const struct gort_load_config gort_load_print;
extern const struct gort_load_config gort_load_locals;

/* Hard limits whatever the configuration says (hostile memory, a careless `config`). */
#define GORT_VALUE_MAX_NODES 200000 /* nodes of one loaded tree */
#define GORT_VALUE_MAX_DEPTH 64     /* nesting of the tree (pointer chains such as type P *P) */
#define GORT_VALUE_MAX_STRING 1048576
#define GORT_VALUE_MAX_ELEMS 100000
#define GORT_VALUE_MAX_BUCKETS 65536 /* map buckets walked, overflow buckets included */

struct gort_values;

/* A value reader over IMG (the program's DWARF) and MEM (its memory). Reads
 * runtime.firstmoduledata.types once, lazily, to turn interface type words into DWARF types.
 * 0, -ENOMEM. Both must outlive the reader. */
GORT_MUST_CHECK int gort_values_new(struct sym_image *img, const struct gomem *mem,
                                    struct gort_values **out);
void gort_values_free(struct gort_values *vs);

/* Where a value lives: memory at ADDR, or (for values in registers or computed by a location
 * expression) the bytes themselves. */
struct gort_value_src {
    uint64_t addr;        /* memory address (0 with bytes: the value has no address) */
    const uint8_t *bytes; /* non-NULL: the value's bytes (len must cover its type's size) */
    size_t len;
};

/* Loads the value of type TYPE_ID at SRC with CFG and appends its text to OUT: on one line unless
 * MULTILINE (dlv's print). dlv's top-level rules apply (a nil pointer is "*main.T nil").
 * Returns 0 (an unreadable value is text, not an error), -E2BIG (OUT full), -ENOMEM, -ENOENT
 * (no such type). */
GORT_MUST_CHECK int gort_value_format(struct gort_values *vs, uint64_t type_id,
                                      const struct gort_value_src *src,
                                      const struct gort_load_config *cfg, bool multiline,
                                      struct rsp_buf *out);

/* The Go name of a type as dlv's whatis shows it ("main.Outer", "[]string", "map[string]int",
 * "interface {}"). Appends to OUT. 0, -ENOENT, -E2BIG. */
GORT_MUST_CHECK int gort_type_name(struct gort_values *vs, uint64_t type_id, struct rsp_buf *out);

/* The image and memory the reader was made with (for eval.c). */
struct sym_image *gort_values_image(struct gort_values *vs);
const struct gomem *gort_values_mem(struct gort_values *vs);

/* Map lookup for m[key]: walks the map of type MAP_TYPE_ID at SRC in dlv's order and calls MATCH
 * with each key's address and type until it returns true; then *val_addr is that entry's value
 * address and *val_type its type id. 0, -ENOENT (no such key or a nil map), -EIO (unreadable). */
typedef bool (*gort_key_match_fn)(void *ctx, const struct sym_type *key_type, uint64_t key_addr);
GORT_MUST_CHECK int gort_value_map_lookup(struct gort_values *vs, uint64_t map_type_id,
                                          const struct gort_value_src *src, gort_key_match_fn match,
                                          void *ctx, uint64_t *val_addr, uint64_t *val_type);

/* reflect.Kind of a type (enum sym_go_kind), from DW_AT_go_kind or, where Go left it out, from the
 * DWARF tag, encoding and size. 0 when unknown. */
unsigned gort_type_kind(struct sym_image *img, const struct sym_type *t);

#endif
