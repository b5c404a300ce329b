/* sym/priv.h - the inside of struct sym_image, shared by the files of frontend/sym/ only. This is
 * the one header that names libelf and libdwarf types; nothing outside frontend/sym/ may include
 * it. */
#ifndef GOSTUB_SYM_PRIV_H
#define GOSTUB_SYM_PRIV_H

#include <dwarf.h>
#include <gelf.h>
#include <libdwarf.h>
#include <libelf.h>

#include "frontend/sym/cfi.h"
#include "frontend/sym/func.h"
#include "frontend/sym/image.h"
#include "frontend/sym/line.h"
#include "frontend/sym/type.h"

/* Bounds on what a hostile file can make us build. */
#define SYM_MAX_CUS 100000
#define SYM_MAX_NAMES 4000000
#define SYM_MAX_ROWS 50000000
#define SYM_MAX_DEPTH 64 /* nesting of DIEs we follow (blocks, inlines, typedef chains) */

struct sym_sec {
    struct sym_section pub;
    Elf_Scn *scn;
    char *alias;         /* ".debug_x" for ".zdebug_x" (owned) */
    bool compressed;     /* SHF_COMPRESSED or .zdebug: inflate on load */
    bool zdebug;         /* GNU .zdebug framing ("ZLIB" + 8-byte big-endian size) */
    const uint8_t *data; /* loaded bytes (file map, or buf) */
    uint8_t *buf;        /* owned decompressed bytes */
    bool loaded;
};

/* One line table row. */
struct sym_lrow {
    uint64_t addr;
    uint32_t file; /* index into the CU's file table (DWARF 2-4: 1-based) */
    uint32_t line;
    uint16_t col;
    uint8_t flags; /* SYM_LROW_* */
};
#define SYM_LROW_STMT 1
#define SYM_LROW_PROLOGUE_END 2
#define SYM_LROW_END_SEQ 4

struct sym_range {
    uint64_t lo, hi;
};

struct sym_cu {
    Dwarf_Off off;    /* the CU DIE's .debug_info offset */
    uint16_t version; /* unit version: 2-4 (Go), 5 (gcc's units in cgo binaries) */
    const char *name;
    const char *producer; /* DW_AT_producer ("Go cmd/compile go1.19.8; -N -l regabi"), or "" */
    bool optimized;
    uint64_t base; /* DW_AT_low_pc: base of location and range lists */
    struct sym_range *ranges;
    size_t nranges;
    /* line table, on first use */
    bool lines_tried;
    int lines_err;
    struct sym_lrow *rows; /* sorted by address */
    size_t nrows;
    bool files_tried;
    int files_err;
    char **files; /* files[i] is DWARF file number i+1 (copied) */
    size_t nfiles;
};

/* One top-level DIE with a name: functions, types, variables, constants. */
struct sym_name {
    const char *name;
    Dwarf_Off off;
    uint32_t cu;
    uint16_t tag;
};

struct sym_inl_call {
    uint64_t origin; /* the abstract DW_TAG_subprogram */
    uint64_t lowpc;
};

struct sym_rt_entry {
    uint64_t rt;  /* DW_AT_go_runtime_type */
    uint64_t die; /* the type's DIE */
    bool typedef_;
};

#define SYM_CFI_CACHE 1024
struct sym_cfi_slot {
    uint64_t pc;
    bool valid;
    struct sym_cfi_row row;
};

struct sym_tcache_slot {
    uint64_t off;
    struct sym_type *type;
};

struct sym_image {
    char *path;
    int fd;
    Elf *elf;
    const uint8_t *map; /* elf_rawfile */
    size_t map_len;
    unsigned machine;
    unsigned ptr_size;
    uint64_t entry;
    struct sym_sec *secs;
    size_t nsecs;
    const struct sym_sec *text;
    uint8_t gnu_id[SYM_MAX_BUILD_ID_LEN];
    size_t gnu_id_len;
    char *go_id;

    /* ELF symbols, on first use */
    bool syms_tried;
    int syms_err;
    struct sym_symbol *syms; /* sorted by address */
    size_t nsyms;
    uint32_t *syms_by_name; /* indexes into syms sorted by name */

    /* DWARF, on first use */
    bool dw_tried;
    int dw_err;
    Dwarf_Debug dbg;
    Dwarf_Obj_Access_Interface dw_iface;
    struct sym_cu *cus; /* in .debug_info order */
    size_t ncus;
    struct sym_range *cu_addr; /* address ranges of all CUs, sorted; .lo/.hi, cu index in cu_of */
    uint32_t *cu_of;
    size_t ncu_addr;

    /* name index of top-level DIEs, on first use */
    bool names_tried;
    int names_err;
    struct sym_name *names; /* sorted by name */
    size_t nnames;
    struct sym_func *funcs; /* concrete functions sorted by lowpc */
    size_t nfuncs;
    uint32_t *funcs_by_die; /* indexes into funcs sorted by DIE offset */

    /* every inlined call (abstract origin, first pc), sorted; on first use */
    bool inl_tried;
    int inl_err;
    struct sym_inl_call *inl;
    size_t ninl;

    /* types by DW_AT_go_runtime_type, sorted (rt, die); on first use */
    bool rt_tried;
    int rt_err;
    struct sym_rt_entry *rt;
    size_t nrt;

    /* types by DIE offset (open addressing, power of two) */
    struct sym_tcache_slot *tcache;
    size_t tcache_cap, tcache_n;

    /* CFI, on first use */
    bool cfi_tried;
    int cfi_err;
    Dwarf_Cie *cies;
    Dwarf_Signed ncies;
    Dwarf_Fde *fdes;
    Dwarf_Signed nfdes;
    struct sym_cfi_slot *cfi_cache; /* SYM_CFI_CACHE entries, direct-mapped by pc */
};

/* dwarf.c */
SYM_MUST_CHECK int sym_dwarf_load(struct sym_image *img);
SYM_MUST_CHECK int sym_names_load(struct sym_image *img);
const struct sym_sec *sym_sec_by_name(const struct sym_image *img, const char *name);
SYM_MUST_CHECK int sym_sec_load(struct sym_image *img, struct sym_sec *sec);
/* The CU index of the CU containing ADDR: 0 or -ENOENT. */
SYM_MUST_CHECK int sym_cu_by_addr(struct sym_image *img, uint64_t addr, uint32_t *cu);
/* The CU index of the CU whose DIE tree holds the DIE at OFF. */
SYM_MUST_CHECK int sym_cu_by_off(struct sym_image *img, Dwarf_Off off, uint32_t *cu);
/* First/last+1 positions in img->names equal to NAME. */
void sym_names_equal_range(const struct sym_image *img, const char *name, size_t *first,
                           size_t *end);
/* Frees a libdwarf error (NULL is fine) and maps it to -errno. */
int sym_dw_fail(struct sym_image *img, Dwarf_Error err);
/* DIE helpers: 0, -ENOENT when absent, -EINVAL on malformed DWARF. */
SYM_MUST_CHECK int sym_die_udata(struct sym_image *img, Dwarf_Die die, Dwarf_Half at,
                                 uint64_t *val);
SYM_MUST_CHECK int sym_die_sdata(struct sym_image *img, Dwarf_Die die, Dwarf_Half at, int64_t *val);
SYM_MUST_CHECK int sym_die_ref(struct sym_image *img, Dwarf_Die die, Dwarf_Half at, Dwarf_Off *off);
SYM_MUST_CHECK int sym_die_flag(struct sym_image *img, Dwarf_Die die, Dwarf_Half at, bool *flag);
SYM_MUST_CHECK int sym_die_exprloc(struct sym_image *img, Dwarf_Die die, Dwarf_Half at,
                                   const uint8_t **expr, size_t *len);
/* The DIE's name, or its abstract origin's / specification's name. NULL when none. */
const char *sym_die_name(struct sym_image *img, Dwarf_Die die);
/* lowpc/highpc of DIE: 0, -ENOENT when it has none. */
SYM_MUST_CHECK int sym_die_pc_range(struct sym_image *img, Dwarf_Die die, uint64_t *lo,
                                    uint64_t *hi);
/* Whether DIE's pc ranges (low/high or DW_AT_ranges) contain PC; *none = no pc attributes at all.
 */
bool sym_die_has_pc(struct sym_image *img, uint32_t cu, Dwarf_Die die, uint64_t pc, bool *none);
/* The range of DIE containing PC (low/high, or the DW_AT_ranges entry with PC, else the first). */
SYM_MUST_CHECK int sym_die_range_at(struct sym_image *img, uint32_t cu, Dwarf_Die die, uint64_t pc,
                                    uint64_t *lo, uint64_t *hi);
/* The lowest pc of DIE (low_pc, or the lowest start of its DW_AT_ranges). 0 or -ENOENT. */
SYM_MUST_CHECK int sym_die_low_pc(struct sym_image *img, uint32_t cu, Dwarf_Die die, uint64_t *lo);
SYM_MUST_CHECK int sym_die_at(struct sym_image *img, Dwarf_Off off, Dwarf_Die *die);

/* func.c: calls CB(ctx, lowpc, true) for every inlined call in FN made from FILENO:LINE. */
typedef int (*sym_addr_cb)(void *ctx, uint64_t addr, bool stmt);
SYM_MUST_CHECK int sym_call_sites(struct sym_image *img, const struct sym_func *fn, uint32_t fileno,
                                  uint32_t line, void *ctx, sym_addr_cb cb);

/* lists.c: range and location lists, DWARF 2-4 (.debug_ranges, .debug_loc) and 5
 * (.debug_rnglists, .debug_loclists; entries that need .debug_addr are refused), parsed directly
 * and bounded by the section. VERSION is the unit's. */
SYM_MUST_CHECK int sym_ranges_read(struct sym_image *img, unsigned version, uint64_t base,
                                   uint64_t off, struct sym_range **out, size_t *count);
struct sym_loc_entry;
typedef int (*sym_loc_cb)(const struct sym_loc_entry *e, void *ctx);
/* Calls CB for each entry; stops when CB returns nonzero (returned as 1). 0 at the end of the list,
 * -EINVAL malformed, -ENOTSUP an entry kind not read. */
SYM_MUST_CHECK int sym_loclist_walk(struct sym_image *img, unsigned version, uint64_t base,
                                    uint64_t off, sym_loc_cb cb, void *ctx);
/* The section offset of a range or location list attribute: -ENOTSUP for the *listx index forms. */
SYM_MUST_CHECK int sym_die_list_off(struct sym_image *img, Dwarf_Die die, Dwarf_Half at,
                                    uint64_t *off);
/* File table index of DWARF file number FILENO in unit CU (1-based before DWARF 5, 0-based from).
 */
static inline const char *sym_cu_file(const struct sym_cu *cu, uint64_t fileno)
{
    uint64_t i = cu->version >= 5 ? fileno : fileno - 1;
    return (cu->version >= 5 || fileno >= 1) && i < cu->nfiles ? cu->files[i] : NULL;
}
static inline uint32_t sym_cu_fileno(const struct sym_cu *cu, size_t index)
{
    return (uint32_t)(cu->version >= 5 ? index : index + 1);
}

/* line.c */
SYM_MUST_CHECK int sym_cu_files(struct sym_image *img, uint32_t cu);

#endif
