/*
 * goruntime/value_priv.h - the loaded value tree shared by value.c (loading, dlv's
 * loadValueInternal) and value_print.c (printing, dlv's pretty printer). Private to those two.
 */
#ifndef GOSTUB_GORUNTIME_VALUE_PRIV_H
#define GOSTUB_GORUNTIME_VALUE_PRIV_H

#include "frontend/goruntime/value.h"

struct loc {
    uint64_t addr;        /* 0 with bytes NULL: no location (dlv's Addr == 0) */
    const uint8_t *bytes; /* the value's bytes when it lives outside memory */
    size_t len;
};

struct vnode {
    const struct sym_type *t;  /* as declared (may be a typedef) */
    const struct sym_type *rt; /* typedefs resolved */
    const char *tname;
    const char *name; /* field name */
    unsigned kind;
    struct loc at;
    uint64_t base, stride;
    const struct sym_type *elem;
    int64_t len, cap;
    bool only_addr, loaded;
    const char *unreadable;
    const char *value; /* dlv's Value: number text, string bytes, function name */
    size_t value_len;
    bool has_value;
    struct vnode **kids;
    size_t nkids, kids_cap;
};

static inline bool has_loc(const struct loc *l)
{
    return l->addr != 0 || l->bytes != NULL;
}

/* Appends the text of the loaded tree ROOT as dlv prints a top-level value: on several lines when
 * MULTILINE (print). 0 or -E2BIG. */
GORT_MUST_CHECK int gort_value_print(const struct vnode *root, bool multiline, struct rsp_buf *out);

#endif
