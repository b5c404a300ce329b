/*
 * frontend/target/rsp_tdesc.c - the register layout the server actually uses, as an arch_desc: from
 * its target description (qXfer:features:read:target.xml and every xi:include in it; GDB manual G,
 * "Target Descriptions"), or from lldb's qRegisterInfo when there is no XML. The server's numbering
 * wins over arch/'s tables (gdbserver adds AVX-512 and pkeys registers when the CPU has them,
 * lldb-server numbers differently); arch/ supplies only what a description lacks: DWARF numbers,
 * the trap instruction.
 *
 * The XML is hostile input: a small scanner that understands only elements, attributes, comments
 * and processing instructions, with bounded include depth, register count and name length. Not a
 * general XML parser, and no knowledge of register *types* beyond their size.
 */
#include "config.h"

#include "frontend/target/rsp_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REGS 1024
#define MAX_INCLUDE_DEPTH 4
#define MAX_NAME 64

struct xreg {
    char name[MAX_NAME];
    unsigned bits;
    long regnum;
    int dwarf;   /* qRegisterInfo's dwarf:, -1 when absent */
    long offset; /* qRegisterInfo's offset:, -1 when absent */
    char generic[8];
};

struct builder {
    struct tgt_rsp *r;
    char arch[MAX_NAME];
    struct xreg *regs;
    size_t n;
    long next_regnum;
    bool lldb_style; /* the XML has lldb's offset= attributes: registers by 'p' only */
    const char *why;
};

static bool ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Value of attribute name inside a tag's text [p, end). false when absent or too long. */
static bool attr(const char *p, const char *end, const char *name, char *out, size_t max)
{
    size_t nlen = strlen(name);
    while (p < end) {
        while (p < end && ws(*p))
            p++;
        const char *an = p;
        while (p < end && *p != '=' && !ws(*p) && *p != '/' && *p != '>')
            p++;
        size_t alen = (size_t)(p - an);
        while (p < end && ws(*p))
            p++;
        if (p >= end || *p != '=') {
            if (p < end)
                p++;
            continue;
        }
        p++;
        while (p < end && ws(*p))
            p++;
        if (p >= end || (*p != '"' && *p != '\''))
            return false;
        char q = *p++;
        const char *v = p;
        while (p < end && *p != q)
            p++;
        if (p >= end)
            return false;
        size_t vlen = (size_t)(p - v);
        p++;
        if (alen == nlen && memcmp(an, name, nlen) == 0) {
            if (vlen >= max)
                return false;
            memcpy(out, v, vlen);
            out[vlen] = '\0';
            return true;
        }
    }
    return false;
}

static bool parse_ulong(const char *s, int base, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    if (*s == '\0')
        return false;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            return false;
        v = v * (unsigned long)base + (unsigned long)d;
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

static int add_reg(struct builder *b, const struct xreg *x)
{
    if (b->n >= MAX_REGS) {
        b->why = "the target description has too many registers";
        return -E2BIG;
    }
    if (b->regs == NULL) {
        b->regs = calloc(MAX_REGS, sizeof(*b->regs));
        if (b->regs == NULL)
            return -ENOMEM;
    }
    b->regs[b->n++] = *x;
    return 0;
}

static int parse_doc(struct builder *b, const char *p, const char *end, int depth);

static int do_include(struct builder *b, const char *href, int depth)
{
    if (depth >= MAX_INCLUDE_DEPTH) {
        b->why = "the target description nests xi:include too deeply";
        return -ELOOP;
    }
    struct rsp_buf doc;
    rsp_buf_init(&doc, TGT_RSP_MAX_REPLY);
    int rc = rsp_client_qxfer(b->r->cli, "features", href, &doc);
    if (rc == 0)
        rc = parse_doc(b, (const char *)doc.data, (const char *)doc.data + doc.len, depth + 1);
    else
        b->why = "the server's target description includes a document it cannot send";
    rsp_buf_fini(&doc);
    return rc;
}

static int on_reg(struct builder *b, const char *t, const char *tend)
{
    struct xreg x = {.dwarf = -1, .offset = -1};
    char num[24];
    unsigned long v;
    if (!attr(t, tend, "name", x.name, sizeof(x.name)) ||
        !attr(t, tend, "bitsize", num, sizeof(num)) || !parse_ulong(num, 10, 4096, &v) || v == 0 ||
        v % 8 != 0) {
        b->why = "a <reg> in the target description has no usable name or bitsize";
        return -EPROTO;
    }
    x.bits = (unsigned)v;
    if (attr(t, tend, "regnum", num, sizeof(num))) {
        if (!parse_ulong(num, 10, MAX_REGS - 1, &v)) {
            b->why = "a <reg> in the target description has a bad regnum";
            return -EPROTO;
        }
        b->next_regnum = (long)v;
    }
    if (b->next_regnum >= MAX_REGS) {
        b->why = "the target description has too many registers";
        return -E2BIG;
    }
    x.regnum = b->next_regnum++;
    /* lldb-server's XML carries lldb's offset= (where the register sits in its own buffer). Its 'g'
     * then packs only some registers, sorted by that offset, with the gaps squeezed out: not a
     * layout to compute from the description, so such servers are read with 'p'. */
    if (attr(t, tend, "offset", num, sizeof(num)))
        b->lldb_style = true;
    return add_reg(b, &x);
}

/* Walks the elements of one document in order: <architecture>, <reg>, <xi:include>. */
static int parse_doc(struct builder *b, const char *p, const char *end, int depth)
{
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (lt == NULL)
            break;
        p = lt + 1;
        const char *close_mark = ">";
        if (end - p >= 3 && memcmp(p, "!--", 3) == 0)
            close_mark = "-->";
        else if (p < end && *p == '?')
            close_mark = "?>";
        const char *gt = memmem(p, (size_t)(end - p), close_mark, strlen(close_mark));
        if (gt == NULL)
            return b->why = "the target description is cut short", -EPROTO;
        const char *t = p;
        p = gt + strlen(close_mark);
        if (*t == '!' || *t == '?' || *t == '/')
            continue;
        const char *nend = t;
        while (nend < gt && !ws(*nend) && *nend != '/' && *nend != '>')
            nend++;
        size_t nlen = (size_t)(nend - t);
        int rc = 0;
        if (nlen == 12 && memcmp(t, "architecture", 12) == 0) {
            const char *lt2 = memchr(p, '<', (size_t)(end - p));
            const char *s = p, *e = lt2 != NULL ? lt2 : end;
            while (s < e && ws(*s))
                s++;
            while (e > s && ws(e[-1]))
                e--;
            if ((size_t)(e - s) < sizeof(b->arch)) {
                memcpy(b->arch, s, (size_t)(e - s));
                b->arch[e - s] = '\0';
            }
        } else if (nlen == 3 && memcmp(t, "reg", 3) == 0) {
            rc = on_reg(b, nend, gt);
        } else if (nlen == 10 && memcmp(t, "xi:include", 10) == 0) {
            char href[128];
            if (!attr(nend, gt, "href", href, sizeof(href)) || strchr(href, ':') != NULL) {
                b->why = "the target description has a bad xi:include";
                return -EPROTO;
            }
            rc = do_include(b, href, depth);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ------------------------------------------------------------------ lldb's qRegisterInfo */

/* "name:rax;bitsize:64;offset:0;encoding:uint;format:hex;set:...;gcc:0;dwarf:0;generic:pc;" */
static int parse_reginfo(struct builder *b, const struct rsp_buf *reply, long regnum)
{
    struct xreg x = {.dwarf = -1, .offset = -1, .regnum = regnum};
    struct rsp_cursor c;
    bool container = false;
    rsp_cursor_init(&c, reply->data, reply->len);
    while (!rsp_cursor_eof(&c)) {
        const char *tok, *val;
        size_t tlen, vlen;
        rsp_cursor_token(&c, ';', &tok, &tlen);
        const char *colon = memchr(tok, ':', tlen);
        if (colon == NULL)
            continue;
        size_t klen = (size_t)(colon - tok);
        val = colon + 1;
        vlen = tlen - klen - 1;
        char v[MAX_NAME];
        if (vlen >= sizeof(v))
            continue;
        memcpy(v, val, vlen);
        v[vlen] = '\0';
        unsigned long n;
        if (klen == 4 && memcmp(tok, "name", 4) == 0)
            memcpy(x.name, v, vlen + 1);
        else if (klen == 7 && memcmp(tok, "bitsize", 7) == 0 && parse_ulong(v, 10, 4096, &n))
            x.bits = (unsigned)n;
        else if (klen == 6 && memcmp(tok, "offset", 6) == 0 && parse_ulong(v, 10, 1u << 20, &n))
            x.offset = (long)n;
        else if (klen == 5 && memcmp(tok, "dwarf", 5) == 0 && parse_ulong(v, 10, 1u << 16, &n))
            x.dwarf = (int)n;
        else if (klen == 7 && memcmp(tok, "generic", 7) == 0 && vlen < sizeof(x.generic))
            memcpy(x.generic, v, vlen + 1);
        else if (klen == 14 && memcmp(tok, "container-regs", 14) == 0)
            container = true;
    }
    if (x.name[0] == '\0' || x.bits == 0 || x.bits % 8 != 0) {
        b->why = "a qRegisterInfo reply has no usable name or bitsize";
        return -EPROTO;
    }
    if (container)
        x.offset = -2; /* a part of another register (eax in rax): not in 'g' */
    return add_reg(b, &x);
}

static int read_reginfo(struct builder *b)
{
    struct tgt_rsp *r = b->r;
    for (long i = 0; i < MAX_REGS; i++) {
        int rc = rsp_client_requestf(r->cli, &r->reply, "qRegisterInfo%lx", (unsigned long)i);
        if (rc < 0)
            return rc;
        if (rsp_reply_unsupported(&r->reply))
            return i == 0 ? -ENOTSUP : 0;
        if (rsp_reply_error(&r->reply) != 0) /* E45: past the last register */
            return i == 0 ? -ENOTSUP : 0;
        rc = parse_reginfo(b, &r->reply, i);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* lldb names the architecture in qHostInfo's triple (hex) or cputype. */
static void arch_from_hostinfo(struct builder *b)
{
    struct tgt_rsp *r = b->r;
    if (rsp_client_requestf(r->cli, &r->reply, "qHostInfo") < 0)
        return;
    const char *s = (const char *)r->reply.data;
    const char *t = strstr(s, "triple:");
    if (t == NULL)
        return;
    t += 7;
    const char *e = strchr(t, ';');
    size_t hlen = e != NULL ? (size_t)(e - t) : strlen(t);
    uint8_t triple[MAX_NAME];
    if (hlen % 2 != 0 || hlen / 2 >= sizeof(triple) ||
        rsp_hex_decode(triple, hlen / 2, t, hlen) < 0)
        return;
    triple[hlen / 2] = '\0';
    const char *dash = strchr((const char *)triple, '-');
    size_t alen = dash != NULL ? (size_t)(dash - (const char *)triple) : hlen / 2;
    memcpy(b->arch, triple, alen);
    b->arch[alen] = '\0';
}

/* ------------------------------------------------------------------ building the arch_desc */

static const struct arch_desc *guess_base(const struct builder *b)
{
    const struct arch_desc *a = arch_by_name(b->arch);
    if (a != NULL || b->arch[0] != '\0')
        return a;
    /* No <architecture>: some stubs leave it out. The registers tell. */
    for (size_t i = 0; i < b->n; i++) {
        if (strcmp(b->regs[i].name, "rip") == 0)
            return &arch_x86_64;
        if (strcmp(b->regs[i].name, "cpsr") == 0 && b->regs[i].bits == 32)
            return &arch_aarch64;
    }
    return NULL;
}

static int regno_of(const struct arch_reg *regs, unsigned n, const char *a, const char *b2)
{
    for (unsigned i = 0; i < n; i++) {
        if (regs[i].name == NULL)
            continue;
        if (strcmp(regs[i].name, a) == 0 || (b2 != NULL && strcmp(regs[i].name, b2) == 0))
            return (int)i;
    }
    return -1;
}

static int build(struct builder *b, bool lldb)
{
    struct tgt_rsp *r = b->r;
    const struct arch_desc *base = guess_base(b);
    if (base == NULL) {
        b->why = "the server's architecture is not one godbg knows (x86_64, aarch64)";
        return -ENOTSUP;
    }
    long nregs = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->regs[i].regnum + 1 > nregs)
            nregs = b->regs[i].regnum + 1;
    }
    if (nregs == 0) {
        b->why = "the server's target description lists no registers";
        return -ENOTSUP;
    }
    /* names live in one block after the table */
    size_t names = (size_t)nregs * MAX_NAME;
    r->regs = calloc(1, (size_t)nregs * sizeof(*r->regs) + names);
    if (r->regs == NULL)
        return -ENOMEM;
    char *namebuf = (char *)(r->regs + nregs);
    for (long i = 0; i < nregs; i++) {
        r->regs[i].name = ""; /* a gap in the numbering: no such register */
        r->regs[i].dwarf_regno = -1;
        r->regs[i].ehframe_regno = -1;
    }
    for (size_t i = 0; i < b->n; i++) {
        const struct xreg *x = &b->regs[i];
        struct arch_reg *reg = &r->regs[x->regnum];
        char *nm = namebuf + (size_t)x->regnum * MAX_NAME;
        memcpy(nm, x->name, strlen(x->name) + 1);
        reg->name = nm;
        reg->size_bits = x->bits;
        int bn = arch_regno_by_name(base, x->name);
        if (bn >= 0) {
            reg->dwarf_regno = base->regs[bn].dwarf_regno;
            reg->ehframe_regno = base->regs[bn].ehframe_regno;
            reg->generic = base->regs[bn].generic;
            reg->alt_name = base->regs[bn].alt_name;
        }
        if (x->dwarf >= 0)
            reg->dwarf_regno = x->dwarf;
    }
    /* 'g' carries every register in number order (GDB manual E.2, 'g'); lldb says where with
     * offset. */
    unsigned off = 0, g_len = 0;
    for (long i = 0; i < nregs; i++) {
        struct arch_reg *reg = &r->regs[i];
        const struct xreg *x = NULL;
        for (size_t j = 0; lldb && j < b->n; j++) {
            if (b->regs[j].regnum == i)
                x = &b->regs[j];
        }
        if (x != NULL && x->offset >= 0)
            reg->g_off = (unsigned)x->offset;
        else if (x != NULL)
            reg->g_off = UINT32_MAX; /* not in 'g': read with 'p' */
        else
            reg->g_off = off;
        off += reg->size_bits / 8;
        if (reg->g_off != UINT32_MAX && reg->g_off + reg->size_bits / 8 > g_len)
            g_len = reg->g_off + reg->size_bits / 8;
    }
    r->desc = *base;
    r->desc.regs = r->regs;
    r->desc.nregs = (unsigned)nregs;
    r->desc.g_len = g_len;
    bool x86 = base->elf_machine == arch_x86_64.elf_machine;
    r->desc.pc_regno = regno_of(r->regs, (unsigned)nregs, x86 ? "rip" : "pc", NULL);
    r->desc.sp_regno = regno_of(r->regs, (unsigned)nregs, x86 ? "rsp" : "sp", NULL);
    r->desc.fp_regno = regno_of(r->regs, (unsigned)nregs, x86 ? "rbp" : "x29", "fp");
    r->expedite_none[0] = -1;
    r->desc.expedite = r->expedite_none;
    r->desc.target_xml = r->xml;
    if (r->desc.pc_regno < 0) {
        b->why = "the server's target description has no program counter";
        return -ENOTSUP;
    }
    return 0;
}

int tgt_rsp_read_tdesc(struct tgt_rsp *r, const char **why)
{
    struct builder b = {.r = r};
    struct rsp_buf doc;
    int rc;
    bool lldb = false;
    rsp_buf_init(&doc, TGT_RSP_MAX_REPLY);
    if (rsp_client_has_feature(r->cli, "qXfer:features:read")) {
        rc = rsp_client_qxfer(r->cli, "features", "target.xml", &doc);
        if (rc < 0) {
            b.why = "the server advertises a target description but does not send it";
            goto out;
        }
        r->xml = (char *)rsp_buf_take(&doc, NULL); /* NUL-terminated, even when empty */
        if (r->xml == NULL) {
            rc = -ENOMEM;
            goto out;
        }
        rc = parse_doc(&b, r->xml, r->xml + strlen(r->xml), 0);
        if (rc < 0)
            goto out;
        r->lldb_regs = b.lldb_style;
    } else {
        rc = read_reginfo(&b);
        if (rc == -ENOTSUP) {
            b.why = "the server describes no registers (neither qXfer:features:read:target.xml "
                    "nor qRegisterInfo)";
            goto out;
        }
        if (rc < 0)
            goto out;
        lldb = true;
        r->lldb_regs = true;
        arch_from_hostinfo(&b);
    }
    rc = build(&b, lldb);
out:
    if (rc < 0 && why != NULL)
        *why = b.why != NULL ? b.why : "cannot read the server's target description";
    free(b.regs);
    rsp_buf_fini(&doc);
    return rc;
}

void tgt_rsp_free_tdesc(struct tgt_rsp *r)
{
    free(r->regs);
    r->regs = NULL;
    free(r->xml);
    r->xml = NULL;
}
