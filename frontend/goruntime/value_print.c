/*
 * goruntime/value_print.c - the text of a loaded value tree (value_priv.h), as dlv 1.20's pretty
 * printer (service/api/prettyprint.go) writes it: which values go on several lines, nil forms,
 * "[...]" and "...+N more" for what was not loaded, "(*T)(0x...)" for structs past the recursion
 * limit, interfaces with their dynamic type. Nothing here reads the target.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frontend/goruntime/value_priv.h"

#define MAX_SHORT_STRING 7 /* dlv's maxShortStringLen: longer strings force several lines */

enum { P_TOP = 1, P_NL = 2, P_TYPE = 4 };

struct printer {
    struct rsp_buf *out;
    int rc;
};

static void put(struct printer *p, const char *s)
{
    if (p->rc == 0)
        p->rc = rsp_buf_adds(p->out, s);
}

static void putf(struct printer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct printer *p, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    put(p, tmp);
}

static void put_indent(struct printer *p, const char *indent, int extra)
{
    put(p, indent);
    for (int i = 0; i < extra; i++)
        put(p, "\t");
}

/* dlv's "PRE(STAR TYPE)(0xADDR)": the type name quoted when it has a package path. */
static void put_typed_addr(struct printer *p, const char *pre, const char *star, const char *tname,
                           uint64_t addr)
{
    putf(p, "%s(%s", pre, star);
    if (strchr(tname, '/')) {
        if (p->rc == 0)
            p->rc = gort_fmt_quote(p->out, tname, strlen(tname));
    } else {
        put(p, tname);
    }
    putf(p, ")(%#llx)", (unsigned long long)addr);
}

static bool node_addr0(const struct vnode *n)
{
    return !has_loc(&n->at);
}

static unsigned recursive_kind(const struct vnode *n, bool *hasptr)
{
    *hasptr = false;
    for (int i = 0; i < GORT_VALUE_MAX_DEPTH; i++) {
        if (n->kind != SYM_GO_POINTER)
            return n->kind;
        *hasptr = true;
        if (n->nkids == 0)
            return n->kind;
        n = n->kids[0];
    }
    return n->kind;
}

static bool newline_kids(const struct vnode *n, bool newlines, bool all)
{
    if (!newlines || n->nkids == 0)
        return false;
    for (size_t i = 0; i < (all ? n->nkids : 1); i++) {
        bool hasptr;
        switch (recursive_kind(n->kids[i], &hasptr)) {
        case SYM_GO_SLICE:
        case SYM_GO_ARRAY:
        case SYM_GO_STRUCT:
        case SYM_GO_MAP:
        case SYM_GO_INTERFACE:
            return true;
        case SYM_GO_STRING:
            if (hasptr)
                return true;
            if (all) {
                if (n->kids[i]->value_len > MAX_SHORT_STRING)
                    return true;
            } else {
                for (size_t j = 0; j < n->nkids; j++)
                    if (n->kids[j]->value_len > MAX_SHORT_STRING)
                        return true;
                return false;
            }
            break;
        default:
            if (!all)
                return false;
        }
    }
    return false;
}

static void write(struct printer *p, const struct vnode *n, int flags, const char *indent);

static void write_list(struct printer *p, const struct vnode *n, int flags, const char *indent)
{
    bool nl = newline_kids(n, flags & P_NL, false);
    char sub[GORT_VALUE_MAX_DEPTH * 2 + 2];
    snprintf(sub, sizeof(sub), "%s\t", indent);
    put(p, "[");
    for (size_t i = 0; i < n->nkids; i++) {
        if (nl) {
            put(p, "\n");
            put_indent(p, indent, 1);
        }
        write(p, n->kids[i], nl ? P_NL : 0, sub);
        if (i != n->nkids - 1 || nl)
            put(p, ",");
    }
    if ((int64_t)n->nkids != n->len) {
        if (n->nkids) {
            if (nl) {
                put(p, "\n");
                put_indent(p, indent, 1);
            } else {
                put(p, ",");
            }
            putf(p, "...+%lld more", (long long)(n->len - (int64_t)n->nkids));
        } else {
            put(p, "...");
        }
    }
    if (nl) {
        put(p, "\n");
        put(p, indent);
    }
    put(p, "]");
}

static void write_map(struct printer *p, const struct vnode *n, int flags, const char *indent)
{
    if (flags & P_TYPE)
        putf(p, "%s ", n->tname);
    if (n->base == 0 && n->nkids == 0) {
        put(p, "nil");
        return;
    }
    bool nl = (flags & P_NL) && n->nkids > 0;
    char sub[GORT_VALUE_MAX_DEPTH * 2 + 2];
    snprintf(sub, sizeof(sub), "%s\t", indent);
    put(p, "[");
    for (size_t i = 0; i + 1 < n->nkids; i += 2) {
        if (nl) {
            put(p, "\n");
            put_indent(p, indent, 1);
        }
        write(p, n->kids[i], 0, sub);
        put(p, ": ");
        write(p, n->kids[i + 1], nl ? P_NL : 0, sub);
        if (i != n->nkids - 1 || nl)
            put(p, ", ");
    }
    if ((int64_t)(n->nkids / 2) != n->len) {
        if (n->nkids) {
            if (nl) {
                put(p, "\n");
                put_indent(p, indent, 1);
            } else {
                put(p, ",");
            }
            putf(p, "...+%lld more", (long long)(n->len - (int64_t)(n->nkids / 2)));
        } else {
            put(p, "...");
        }
    }
    if (nl) {
        put(p, "\n");
        put(p, indent);
    }
    put(p, "]");
}

static void write_struct(struct printer *p, const struct vnode *n, int flags, const char *indent)
{
    if (n->len != (int64_t)n->nkids && n->nkids == 0) {
        put_typed_addr(p, "", "*", n->tname, n->at.addr);
        return;
    }
    if (flags & P_TYPE)
        putf(p, "%s ", n->tname);
    bool nl = newline_kids(n, flags & P_NL, true);
    char sub[GORT_VALUE_MAX_DEPTH * 2 + 2];
    snprintf(sub, sizeof(sub), "%s\t", indent);
    put(p, "{");
    for (size_t i = 0; i < n->nkids; i++) {
        if (nl) {
            put(p, "\n");
            put_indent(p, indent, 1);
        }
        putf(p, "%s: ", n->kids[i]->name);
        write(p, n->kids[i], P_TYPE | (nl ? P_NL : 0), sub);
        if (i != n->nkids - 1 || nl) {
            put(p, ",");
            if (!nl)
                put(p, " ");
        }
    }
    if ((int64_t)n->nkids != n->len) {
        if (nl) {
            put(p, "\n");
            put_indent(p, indent, 1);
        } else {
            put(p, ",");
        }
        putf(p, "...+%lld more", (long long)(n->len - (int64_t)n->nkids));
    }
    put(p, "}");
}

static void write_interface(struct printer *p, const struct vnode *n, int flags, const char *indent)
{
    if (node_addr0(n)) {
        put(p, "nil");
        return;
    }
    if (n->nkids == 0) {
        put(p, "nil");
        return;
    }
    const struct vnode *data = n->kids[0];
    if (flags & P_TYPE) {
        if (data->kind == 0) {
            putf(p, "%s ", n->tname);
            if (node_addr0(data)) {
                put(p, "nil");
                return;
            }
        } else {
            putf(p, "%s(%s) ", n->tname, data->tname);
        }
    }
    int kflags = (flags & P_NL) | ((flags & P_TYPE) ? 0 : P_TYPE);
    if (data->kind == SYM_GO_POINTER) {
        if (data->nkids == 0)
            put(p, "...");
        else if (node_addr0(data->kids[0]))
            put(p, "nil");
        else if (data->kids[0]->only_addr)
            putf(p, "0x%llx", (unsigned long long)data->at.addr);
        else
            write(p, data, kflags, indent);
    } else if (data->only_addr) {
        put_typed_addr(p, "*", "*", n->tname, n->at.addr);
    } else {
        write(p, data, kflags, indent);
    }
}

static void write(struct printer *p, const struct vnode *n, int flags, const char *indent)
{
    if (p->rc)
        return;
    if (n->unreadable) {
        putf(p, "(unreadable %s)", n->unreadable);
        return;
    }
    if (!(flags & P_TOP) && node_addr0(n) && !(n->has_value && n->value_len)) {
        if ((flags & P_TYPE) && strcmp(n->tname, "void") != 0)
            putf(p, "%s nil", n->tname);
        else
            put(p, "nil");
        return;
    }
    switch (n->kind) {
    case SYM_GO_SLICE:
        if (flags & P_TYPE)
            putf(p, "%s len: %lld, cap: %lld, ", n->tname, (long long)n->len, (long long)n->cap);
        if (n->base == 0 && n->nkids == 0) {
            put(p, "nil");
            return;
        }
        write_list(p, n, flags, indent);
        break;
    case SYM_GO_ARRAY:
        if (flags & P_TYPE)
            putf(p, "%s ", n->tname);
        write_list(p, n, flags, indent);
        break;
    case SYM_GO_POINTER:
        if (n->nkids == 0) {
            put(p, "nil");
        } else if (n->kids[0]->only_addr && !node_addr0(n->kids[0])) {
            put_typed_addr(p, "", "", n->tname, n->kids[0]->at.addr);
        } else {
            put(p, "*");
            write(p, n->kids[0], flags & ~P_TOP, indent);
        }
        break;
    case SYM_GO_UNSAFE_POINTER:
        if (n->nkids == 0)
            put(p, "unsafe.Pointer(nil)");
        else
            putf(p, "unsafe.Pointer(%#llx)", (unsigned long long)n->kids[0]->at.addr);
        break;
    case SYM_GO_CHAN:
        if (flags & P_NL)
            write_struct(p, n, flags, indent);
        else if (n->nkids < 2)
            putf(p, "%s nil", n->tname);
        else
            putf(p, "%s %s/%s", n->tname, n->kids[0]->value ? n->kids[0]->value : "?",
                 n->kids[1]->value ? n->kids[1]->value : "?");
        break;
    case SYM_GO_STRUCT:
        write_struct(p, n, flags, indent);
        break;
    case SYM_GO_INTERFACE:
        write_interface(p, n, flags, indent);
        break;
    case SYM_GO_MAP:
        write_map(p, n, flags, indent);
        break;
    case SYM_GO_FUNC:
        if (!n->has_value || n->value_len == 0)
            put(p, "nil");
        else
            put(p, n->value);
        break;
    case SYM_GO_STRING:
        if (p->rc == 0)
            p->rc = gort_fmt_quote_trunc(p->out, n->value ? n->value : "", n->value_len,
                                         (uint64_t)n->len);
        break;
    default:
        if (!n->has_value)
            putf(p, "(unknown %s)", "invalid");
        else
            put(p, n->value);
        break;
    }
}

int gort_value_print(const struct vnode *root, bool multiline, struct rsp_buf *out)
{
    struct printer p = {out, 0};
    write(&p, root, P_TOP | P_TYPE | (multiline ? P_NL : 0), "");
    return p.rc;
}
