/* sym/type.h - types, package constants and package variables from the DWARF that Go's linker
 * writes. Go's own attributes are exposed as they are: DW_AT_go_kind (reflect.Kind numbers), go_key
 * and go_elem (maps, chans, slices), go_embedded_field, go_runtime_type (address of the
 * runtime._type). Types are decoded on first use and cached by their DIE offset, which is their
 * identity.
 *
 * How Go emits its kinds: a string is a struct {str *uint8; len int} named "string"; a slice a
 * struct {array, len, cap} with go_elem; a map a typedef "map[K]V" of *hash<K,V> with
 * go_key/go_elem; a chan a typedef "chan T" of *hchan<T>; an interface a typedef of runtime.iface /
 * runtime.eface; a func a typedef of a pointer to a subroutine type; named types are typedefs of
 * their underlying type. */
#ifndef GOSTUB_SYM_TYPE_H
#define GOSTUB_SYM_TYPE_H

#include "frontend/sym/image.h"

/* Go's extensions (cmd/internal/dwarf). */
#define SYM_DW_AT_GO_KIND 0x2900
#define SYM_DW_AT_GO_KEY 0x2901
#define SYM_DW_AT_GO_ELEM 0x2902
#define SYM_DW_AT_GO_EMBEDDED_FIELD 0x2903
#define SYM_DW_AT_GO_RUNTIME_TYPE 0x2904

/* reflect.Kind, as DW_AT_go_kind carries it. */
enum sym_go_kind {
    SYM_GO_INVALID = 0,
    SYM_GO_BOOL,
    SYM_GO_INT,
    SYM_GO_INT8,
    SYM_GO_INT16,
    SYM_GO_INT32,
    SYM_GO_INT64,
    SYM_GO_UINT,
    SYM_GO_UINT8,
    SYM_GO_UINT16,
    SYM_GO_UINT32,
    SYM_GO_UINT64,
    SYM_GO_UINTPTR,
    SYM_GO_FLOAT32,
    SYM_GO_FLOAT64,
    SYM_GO_COMPLEX64,
    SYM_GO_COMPLEX128,
    SYM_GO_ARRAY,
    SYM_GO_CHAN,
    SYM_GO_FUNC,
    SYM_GO_INTERFACE,
    SYM_GO_MAP,
    SYM_GO_POINTER,
    SYM_GO_SLICE,
    SYM_GO_STRING,
    SYM_GO_STRUCT,
    SYM_GO_UNSAFE_POINTER
};

/* The DWARF tag, simplified. */
enum sym_type_kind {
    SYM_TYPE_OTHER,
    SYM_TYPE_BASE,    /* encoding: DW_ATE_* */
    SYM_TYPE_POINTER, /* target: pointee (0 for unsafe.Pointer) */
    SYM_TYPE_STRUCT,  /* fields */
    SYM_TYPE_ARRAY,   /* target: element type, count */
    SYM_TYPE_TYPEDEF, /* target: the underlying type */
    SYM_TYPE_FUNC,    /* DW_TAG_subroutine_type: params */
    SYM_TYPE_UNSPECIFIED
};

struct sym_field {
    const char *name;
    uint64_t offset; /* DW_AT_data_member_location */
    uint64_t type;   /* type id */
    bool embedded;   /* DW_AT_go_embedded_field */
};

struct sym_type {
    uint64_t id; /* the DIE's .debug_info offset */
    enum sym_type_kind kind;
    const char *name;         /* NULL when anonymous */
    uint64_t size;            /* DW_AT_byte_size (pointer size for pointers; 0 when unknown) */
    unsigned go_kind;         /* enum sym_go_kind; 0 when absent */
    uint64_t target;          /* see enum sym_type_kind; 0 when none */
    uint64_t go_elem, go_key; /* type ids; 0 when absent */
    uint64_t runtime_type;    /* address of the runtime._type, 0 when absent */
    unsigned encoding;        /* base types */
    int64_t count;            /* arrays: element count (-1 when unknown) */
    const struct sym_field *fields; /* structs */
    size_t nfields;
    const uint64_t *params; /* subroutine types: parameter type ids */
    size_t nparams;
};

/* By id (as found in sym_field.type, sym_var.type...). 0, -ENOENT, -EINVAL (not a type DIE). */
SYM_MUST_CHECK int sym_type_by_id(struct sym_image *img, uint64_t id, const struct sym_type **out);
/* By Go name: "runtime.g", "main.Outer", "[]string", "*main.T", "map[string]int", "int". When a
 * typedef and a type share the name (Go emits both for named structs) the non-typedef wins. */
SYM_MUST_CHECK int sym_type_by_name(struct sym_image *img, const char *name,
                                    const struct sym_type **out);
/* The type whose DW_AT_go_runtime_type is RT: the offset of a runtime._type from the start of the
 * module's types (runtime.types, moduledata.types), which is how an interface's dynamic type or a
 * map's key type is found from target memory. The first call reads the attribute of every named
 * type DIE once. 0, -ENOENT. */
SYM_MUST_CHECK int sym_type_by_runtime_type(struct sym_image *img, uint64_t rt,
                                            const struct sym_type **out);

/* Follows typedefs (bounded) to the underlying type. */
SYM_MUST_CHECK int sym_type_resolve(struct sym_image *img, const struct sym_type *t,
                                    const struct sym_type **out);
/* The field at dotted PATH ("goid", "sched.pc") of struct type TYPE_NAME, through typedefs:
 * *offset from the start of the outer struct, *type (optional) the field's type. 0, -ENOENT. */
SYM_MUST_CHECK int sym_field_offset(struct sym_image *img, const char *type_name, const char *path,
                                    uint64_t *offset, const struct sym_type **type);
/* Same, starting from a type already in hand. */
SYM_MUST_CHECK int sym_type_field(struct sym_image *img, const struct sym_type *t, const char *path,
                                  uint64_t *offset, const struct sym_type **type);

/* Package constant (DW_TAG_constant, e.g. "runtime._Gwaiting"). 0, -ENOENT. *type optional. */
SYM_MUST_CHECK int sym_const_by_name(struct sym_image *img, const char *name, int64_t *value,
                                     uint64_t *type);

/* Every package constant (DW_TAG_constant with an integer value), in name order: NAME, VALUE and
 * its TYPE id (0 when untyped). A nonzero return of CB stops the walk and is returned. Added for
 * goruntime/value (dlv names the values of types that have constants: "Green (1)"). */
typedef int (*sym_const_cb)(const char *name, int64_t value, uint64_t type, void *ctx);
SYM_MUST_CHECK int sym_consts_foreach(struct sym_image *img, sym_const_cb cb, void *ctx);

struct sym_global {
    const char *name;
    uint64_t addr; /* from a DW_OP_addr location */
    uint64_t type; /* type id */
    uint64_t die;  /* .debug_info offset of its DIE: DWARF order, as dlv's `vars` lists them (added
                    * for cli/cmd_data.c) */
};
/* Package variable ("runtime.allgs"). 0, -ENOENT, -ENOTSUP (location is not a plain DW_OP_addr). */
SYM_MUST_CHECK int sym_global_by_name(struct sym_image *img, const char *name,
                                      struct sym_global *out);
/* Every package variable with an address, in name order; a nonzero return of CB stops the walk and
 * is returned. */
typedef int (*sym_global_cb)(const struct sym_global *g, void *ctx);
SYM_MUST_CHECK int sym_globals_foreach(struct sym_image *img, sym_global_cb cb, void *ctx);

#endif
