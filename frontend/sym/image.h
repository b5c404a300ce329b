/* sym/image.h - an executable image on the debugger's side: the ELF file of a Go program opened
 * with libelf. Architecture, build ids, sections, the ELF symbol table, the text range, and reads
 * of file-backed bytes (.rodata, .data) by virtual address. DWARF queries on the same image are
 * declared in sym/line.h, sym/func.h, sym/type.h, sym/var.h and sym/cfi.h.
 *
 * Not for: target memory (target/), Go runtime knowledge (goruntime/). Nothing here exposes a
 * libelf or libdwarf type: those stay inside frontend/sym/ (STYLE.md).
 *
 * Laziness: sym_image_open reads only the ELF header, the section headers and the notes. The symbol
 * table, the DWARF and every index are built on first use. Every returned pointer (names, sections,
 * symbols, types, functions) stays valid until sym_image_free. An image is not thread-safe.
 *
 * Addresses are the file's (link-time) addresses everywhere in sym/: a position-independent
 * executable's must be shifted by its load bias by the caller. */
#ifndef GOSTUB_SYM_IMAGE_H
#define GOSTUB_SYM_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYM_MUST_CHECK __attribute__((warn_unused_result))

/* Largest image accepted, and largest decompressed section: hostile files cannot make us allocate
 * more. */
#define SYM_MAX_FILE_LEN ((uint64_t)4 << 30)
#define SYM_MAX_SECTION_LEN ((uint64_t)1 << 30)
#define SYM_MAX_BUILD_ID_LEN 64

struct sym_image;

struct sym_section {
    const char *name;     /* ".debug_info" even when the file says ".zdebug_info" */
    uint64_t addr;        /* sh_addr; 0 when not loaded */
    uint64_t size;        /* bytes in memory (decompressed size of a compressed section) */
    uint64_t file_offset; /* sh_offset */
    uint32_t type;        /* SHT_* */
    uint64_t flags;       /* SHF_* */
};

enum sym_symbol_kind { SYM_SYMBOL_FUNC, SYM_SYMBOL_OBJECT, SYM_SYMBOL_OTHER };

struct sym_symbol {
    const char *name;
    uint64_t addr;
    uint64_t size;
    enum sym_symbol_kind kind;
    bool global;
};

/* Opens PATH. Returns 0 and *out, or -errno: -ENOENT/-EACCES from open, -ENOEXEC when the file is
 * not an ELF executable or shared object we can read (garbage, truncated headers, unknown class),
 * -ENOMEM. Blocks only on the file read of the headers. */
SYM_MUST_CHECK int sym_image_open(const char *path, struct sym_image **out);
void sym_image_free(struct sym_image *img);

const char *sym_image_path(const struct sym_image *img);
unsigned
sym_image_elf_machine(const struct sym_image *img); /* e_machine: EM_X86_64, EM_AARCH64... */
unsigned sym_image_pointer_size(const struct sym_image *img); /* 4 or 8 */
uint64_t sym_image_entry(const struct sym_image *img);

/* NT_GNU_BUILD_ID bytes (absent from Go binaries unless linked with -B): 0, or -ENOENT. */
SYM_MUST_CHECK int sym_image_gnu_build_id(const struct sym_image *img, const uint8_t **id,
                                          size_t *len);
/* Go's own build id from .note.go.buildid ("actionID/contentID" text, NUL-terminated): 0, or
 * -ENOENT. */
SYM_MUST_CHECK int sym_image_go_build_id(const struct sym_image *img, const char **id);

size_t sym_image_section_count(const struct sym_image *img);
const struct sym_section *sym_image_section(const struct sym_image *img, size_t index);
const struct sym_section *sym_image_section_by_name(const struct sym_image *img, const char *name);

/* The Go version the program was built with ("go1.19.8"), read from the string runtime.buildVersion
 * in the file. Copies at most LEN-1 bytes and a NUL. 0, -ENOENT (no such symbol), -EINVAL
 * (malformed), -ERANGE (LEN too small). */
SYM_MUST_CHECK int sym_image_go_version(struct sym_image *img, char *buf, size_t len);

/* The .text section's [lo, hi). 0 or -ENOENT. */
SYM_MUST_CHECK int sym_image_text_range(const struct sym_image *img, uint64_t *lo, uint64_t *hi);

/* Copies LEN bytes at virtual address ADDR from the file's allocated sections (.text, .rodata,
 * .data...). Bytes of .bss read as zero. 0, -EFAULT when some byte is outside every section. */
SYM_MUST_CHECK int sym_image_read(const struct sym_image *img, uint64_t addr, void *buf,
                                  size_t len);

/* The ELF symbol table (.symtab, else .dynsym), loaded on first call. All return 0, or -ENOENT, or
 * -ENOMEM / -ENOEXEC when the table cannot be loaded. */
SYM_MUST_CHECK int sym_symbol_count(struct sym_image *img, size_t *count);
/* Symbols sorted by address (index 0 .. count-1). */
SYM_MUST_CHECK int sym_symbol_at(struct sym_image *img, size_t index,
                                 const struct sym_symbol **sym);
SYM_MUST_CHECK int sym_symbol_by_name(struct sym_image *img, const char *name,
                                      const struct sym_symbol **sym);
/* The function or object symbol containing ADDR (addr <= ADDR < addr+size; a zero-sized symbol
 * covers up to the next symbol); *offset = ADDR - sym->addr. */
SYM_MUST_CHECK int sym_symbol_by_addr(struct sym_image *img, uint64_t addr,
                                      const struct sym_symbol **sym, uint64_t *offset);

#endif
