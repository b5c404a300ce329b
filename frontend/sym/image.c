/* sym/image.c - opening an ELF image with libelf: header, section table (with the decompressed size
 * of compressed DWARF sections), build-id notes, reads of file-backed bytes, and the ELF symbol
 * table loaded on first use. DWARF lives in dwarf.c and the files beside it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/sym/priv.h"

static int elf_ready;

/* Reads the note section SEC: GNU build id (type 3, owner "GNU") and Go's build id (type 4, owner
 * "Go", in .note.go.buildid: see cmd/link/internal/ld/elf.go). Malformed notes are ignored. */
static void read_notes(struct sym_image *img, Elf_Scn *scn)
{
    Elf_Data *data = elf_getdata(scn, NULL);
    if (data == NULL || data->d_buf == NULL)
        return;
    GElf_Nhdr nh;
    size_t off = 0, name_off, desc_off, next;
    while (off < data->d_size && (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
        const char *owner = (const char *)data->d_buf + name_off;
        const uint8_t *desc = (const uint8_t *)data->d_buf + desc_off;
        if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && memcmp(owner, "GNU", 4) == 0 &&
            nh.n_descsz > 0 && nh.n_descsz <= SYM_MAX_BUILD_ID_LEN && img->gnu_id_len == 0) {
            memcpy(img->gnu_id, desc, nh.n_descsz);
            img->gnu_id_len = nh.n_descsz;
        } else if (nh.n_type == 4 && (nh.n_namesz == 3 || nh.n_namesz == 4) &&
                   memcmp(owner, "Go", 3) == 0 && nh.n_descsz > 0 && nh.n_descsz <= 1024 &&
                   img->go_id == NULL) {
            img->go_id = strndup((const char *)desc, nh.n_descsz);
        }
        off = next;
    }
}

/* zlib cannot expand by more than about 1032:1: a header announcing more is lying, and believing
 * it would make us allocate that much before inflate fails. */
static uint64_t max_inflated(uint64_t compressed_len)
{
    return compressed_len * 1100 + 4096;
}

/* Section headers: names, sizes (compressed ones report the inflated size from their header,
 * bounded), and the .zdebug aliases. Offsets of sections with file bytes must lie inside the file.
 */
static int read_sections(struct sym_image *img)
{
    size_t shnum, shstrndx;
    if (elf_getshdrnum(img->elf, &shnum) != 0 || elf_getshdrstrndx(img->elf, &shstrndx) != 0)
        return -ENOEXEC;
    if (shnum > 65535)
        return -ENOEXEC;
    img->secs = calloc(shnum ? shnum : 1, sizeof(*img->secs));
    if (img->secs == NULL)
        return -ENOMEM;
    img->nsecs = shnum;
    for (size_t i = 0; i < shnum; i++) {
        struct sym_sec *s = &img->secs[i];
        GElf_Shdr sh;
        s->scn = elf_getscn(img->elf, i);
        if (s->scn == NULL || gelf_getshdr(s->scn, &sh) == NULL)
            return -ENOEXEC;
        const char *name = elf_strptr(img->elf, shstrndx, sh.sh_name);
        s->pub.name = name ? name : "";
        s->pub.addr = sh.sh_addr;
        s->pub.size = sh.sh_size;
        s->pub.file_offset = sh.sh_offset;
        s->pub.type = sh.sh_type;
        s->pub.flags = sh.sh_flags;
        if (sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL &&
            (sh.sh_offset > img->map_len || sh.sh_size > img->map_len - sh.sh_offset)) {
            /* Truncated file: keep the header, but the section has no bytes. */
            s->pub.size = 0;
            s->pub.type = SHT_NULL;
            continue;
        }
        if (sh.sh_flags & SHF_COMPRESSED) {
            GElf_Chdr ch;
            if (gelf_getchdr(s->scn, &ch) == NULL || ch.ch_type != ELFCOMPRESS_ZLIB ||
                ch.ch_size > SYM_MAX_SECTION_LEN || ch.ch_size > max_inflated(sh.sh_size)) {
                s->pub.size = 0;
                s->pub.type = SHT_NULL;
                continue;
            }
            s->compressed = true;
            s->pub.size = ch.ch_size;
        } else if (strncmp(s->pub.name, ".zdebug", 7) == 0) {
            const uint8_t *p = img->map + sh.sh_offset;
            uint64_t len = 0;
            if (sh.sh_size < 12 || memcmp(p, "ZLIB", 4) != 0)
                continue;
            for (int k = 4; k < 12; k++)
                len = len << 8 | p[k];
            if (len > SYM_MAX_SECTION_LEN || len > max_inflated(sh.sh_size))
                continue;
            if (asprintf(&s->alias, ".%s", s->pub.name + 2) < 0)
                return -ENOMEM;
            s->pub.name = s->alias;
            s->compressed = s->zdebug = true;
            s->pub.size = len;
        }
        if (sh.sh_type == SHT_NOTE)
            read_notes(img, s->scn);
        if (strcmp(s->pub.name, ".text") == 0 && img->text == NULL)
            img->text = s;
    }
    return 0;
}

int sym_image_open(const char *path, struct sym_image **out)
{
    int rc;
    *out = NULL;
    if (!elf_ready) {
        if (elf_version(EV_CURRENT) == EV_NONE)
            return -ENOTSUP;
        elf_ready = 1;
    }
    struct sym_image *img = calloc(1, sizeof(*img));
    if (img == NULL)
        return -ENOMEM;
    img->fd = -1;
    img->path = strdup(path);
    if (img->path == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    img->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (img->fd < 0) {
        rc = -errno;
        goto out;
    }
    struct stat st;
    if (fstat(img->fd, &st) != 0) {
        rc = -errno;
        goto out;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > SYM_MAX_FILE_LEN) {
        rc = -ENOEXEC;
        goto out;
    }
    img->elf = elf_begin(img->fd, ELF_C_READ_MMAP, NULL);
    if (img->elf == NULL || elf_kind(img->elf) != ELF_K_ELF) {
        rc = -ENOEXEC;
        goto out;
    }
    img->map = (const uint8_t *)elf_rawfile(img->elf, &img->map_len);
    GElf_Ehdr eh;
    if (img->map == NULL || gelf_getehdr(img->elf, &eh) == NULL) {
        rc = -ENOEXEC;
        goto out;
    }
    int cls = gelf_getclass(img->elf);
    if ((cls != ELFCLASS64 && cls != ELFCLASS32) || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)) {
        rc = -ENOEXEC;
        goto out;
    }
    img->ptr_size = cls == ELFCLASS64 ? 8 : 4;
    img->machine = eh.e_machine;
    img->entry = eh.e_entry;
    rc = read_sections(img);
out:
    if (rc != 0) {
        sym_image_free(img);
        return rc;
    }
    *out = img;
    return 0;
}

void sym_image_free(struct sym_image *img)
{
    if (img == NULL)
        return;
    if (img->fdes != NULL || img->cies != NULL)
        dwarf_fde_cie_list_dealloc(img->dbg, img->cies, img->ncies, img->fdes, img->nfdes);
    if (img->dbg != NULL) {
        Dwarf_Error err = NULL;
        (void)dwarf_object_finish(img->dbg, &err);
    }
    for (size_t i = 0; i < img->ncus; i++) {
        struct sym_cu *cu = &img->cus[i];
        free(cu->ranges);
        free(cu->rows);
        for (size_t k = 0; k < cu->nfiles; k++)
            free(cu->files[k]);
        free(cu->files);
    }
    free(img->cus);
    free(img->cu_addr);
    free(img->cu_of);
    free(img->names);
    free(img->funcs);
    free(img->funcs_by_die);
    free(img->inl);
    free(img->rt);
    free(img->cfi_cache);
    for (size_t i = 0; i < img->tcache_cap; i++) {
        struct sym_type *t = img->tcache[i].type;
        if (t != NULL) {
            free((void *)t->fields);
            free((void *)t->params);
            free(t);
        }
    }
    free(img->tcache);
    free(img->syms);
    free(img->syms_by_name);
    for (size_t i = 0; i < img->nsecs; i++) {
        free(img->secs[i].buf);
        free(img->secs[i].alias);
    }
    free(img->secs);
    free(img->go_id);
    if (img->elf != NULL)
        elf_end(img->elf);
    if (img->fd >= 0)
        close(img->fd);
    free(img->path);
    free(img);
}

const char *sym_image_path(const struct sym_image *img)
{
    return img->path;
}
unsigned sym_image_elf_machine(const struct sym_image *img)
{
    return img->machine;
}
unsigned sym_image_pointer_size(const struct sym_image *img)
{
    return img->ptr_size;
}
uint64_t sym_image_entry(const struct sym_image *img)
{
    return img->entry;
}

int sym_image_gnu_build_id(const struct sym_image *img, const uint8_t **id, size_t *len)
{
    if (img->gnu_id_len == 0)
        return -ENOENT;
    *id = img->gnu_id;
    *len = img->gnu_id_len;
    return 0;
}

int sym_image_go_build_id(const struct sym_image *img, const char **id)
{
    if (img->go_id == NULL)
        return -ENOENT;
    *id = img->go_id;
    return 0;
}

size_t sym_image_section_count(const struct sym_image *img)
{
    return img->nsecs;
}

const struct sym_section *sym_image_section(const struct sym_image *img, size_t index)
{
    return index < img->nsecs ? &img->secs[index].pub : NULL;
}

const struct sym_sec *sym_sec_by_name(const struct sym_image *img, const char *name)
{
    for (size_t i = 0; i < img->nsecs; i++)
        if (img->secs[i].pub.type != SHT_NULL && strcmp(img->secs[i].pub.name, name) == 0)
            return &img->secs[i];
    return NULL;
}

const struct sym_section *sym_image_section_by_name(const struct sym_image *img, const char *name)
{
    const struct sym_sec *s = sym_sec_by_name(img, name);
    return s ? &s->pub : NULL;
}

int sym_image_text_range(const struct sym_image *img, uint64_t *lo, uint64_t *hi)
{
    if (img->text == NULL)
        return -ENOENT;
    *lo = img->text->pub.addr;
    *hi = img->text->pub.addr + img->text->pub.size;
    return 0;
}

int sym_image_read(const struct sym_image *img, uint64_t addr, void *buf, size_t len)
{
    uint8_t *dst = buf;
    while (len > 0) {
        const struct sym_sec *hit = NULL;
        for (size_t i = 0; i < img->nsecs; i++) {
            const struct sym_sec *s = &img->secs[i];
            /* TLS sections hold the initial image of per-thread data, at addresses that overlap
             * ordinary sections: never the answer for a virtual address. */
            if ((s->pub.flags & SHF_ALLOC) && !(s->pub.flags & SHF_TLS) && !s->compressed &&
                s->pub.type != SHT_NULL && addr >= s->pub.addr &&
                addr - s->pub.addr < s->pub.size) {
                hit = s;
                break;
            }
        }
        if (hit == NULL)
            return -EFAULT;
        uint64_t off = addr - hit->pub.addr;
        size_t n = hit->pub.size - off < len ? (size_t)(hit->pub.size - off) : len;
        if (hit->pub.type == SHT_NOBITS)
            memset(dst, 0, n);
        else
            memcpy(dst, img->map + hit->pub.file_offset + off, n);
        dst += n;
        addr += n;
        len -= n;
    }
    return 0;
}

/* ---------------------------------------------------------------- symbols */

static int cmp_sym_addr(const void *a, const void *b)
{
    const struct sym_symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    /* At one address, functions and globals first, so that lookups by address prefer them. */
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->global != y->global)
        return x->global ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int cmp_sym_name(const void *a, const void *b, void *ctx)
{
    const struct sym_symbol *syms = ctx;
    return strcmp(syms[*(const uint32_t *)a].name, syms[*(const uint32_t *)b].name);
}

static int load_symbols(struct sym_image *img)
{
    const struct sym_sec *tab = sym_sec_by_name(img, ".symtab");
    if (tab == NULL || tab->pub.type != SHT_SYMTAB)
        tab = sym_sec_by_name(img, ".dynsym");
    if (tab == NULL)
        return -ENOENT;
    GElf_Shdr sh;
    Elf_Data *data;
    if (gelf_getshdr(tab->scn, &sh) == NULL || (data = elf_getdata(tab->scn, NULL)) == NULL ||
        sh.sh_entsize == 0)
        return -ENOEXEC;
    size_t n = data->d_size / sh.sh_entsize;
    img->syms = calloc(n ? n : 1, sizeof(*img->syms));
    if (img->syms == NULL)
        return -ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        GElf_Sym es;
        if (gelf_getsym(data, (int)i, &es) == NULL)
            return -ENOEXEC;
        unsigned type = GELF_ST_TYPE(es.st_info);
        if (es.st_name == 0 || es.st_shndx == SHN_UNDEF ||
            (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE))
            continue;
        const char *name = elf_strptr(img->elf, sh.sh_link, es.st_name);
        if (name == NULL || name[0] == '\0')
            continue;
        struct sym_symbol *s = &img->syms[k++];
        s->name = name;
        s->addr = es.st_value;
        s->size = es.st_size;
        s->kind = type == STT_FUNC     ? SYM_SYMBOL_FUNC
                  : type == STT_OBJECT ? SYM_SYMBOL_OBJECT
                                       : SYM_SYMBOL_OTHER;
        s->global = GELF_ST_BIND(es.st_info) != STB_LOCAL;
    }
    img->nsyms = k;
    if (k > 1) /* a NULL array is undefined for qsort even with 0 elements */
        qsort(img->syms, k, sizeof(*img->syms), cmp_sym_addr);
    img->syms_by_name = malloc((k ? k : 1) * sizeof(uint32_t));
    if (img->syms_by_name == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < k; i++)
        img->syms_by_name[i] = (uint32_t)i;
    if (k > 1) /* a NULL array is undefined for qsort even with 0 elements */
        qsort_r(img->syms_by_name, k, sizeof(uint32_t), cmp_sym_name, img->syms);
    return 0;
}

static int need_symbols(struct sym_image *img)
{
    if (!img->syms_tried) {
        img->syms_tried = true;
        img->syms_err = load_symbols(img);
    }
    return img->syms_err;
}

int sym_symbol_count(struct sym_image *img, size_t *count)
{
    int rc = need_symbols(img);
    if (rc == 0)
        *count = img->nsyms;
    return rc;
}

int sym_symbol_at(struct sym_image *img, size_t index, const struct sym_symbol **sym)
{
    int rc = need_symbols(img);
    if (rc != 0)
        return rc;
    if (index >= img->nsyms)
        return -ENOENT;
    *sym = &img->syms[index];
    return 0;
}

int sym_symbol_by_name(struct sym_image *img, const char *name, const struct sym_symbol **sym)
{
    int rc = need_symbols(img);
    if (rc != 0)
        return rc;
    size_t lo = 0, hi = img->nsyms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(img->syms[img->syms_by_name[mid]].name, name);
        if (c == 0) {
            *sym = &img->syms[img->syms_by_name[mid]];
            return 0;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -ENOENT;
}

int sym_symbol_by_addr(struct sym_image *img, uint64_t addr, const struct sym_symbol **sym,
                       uint64_t *offset)
{
    int rc = need_symbols(img);
    if (rc != 0)
        return rc;
    /* Last symbol with s->addr <= addr. */
    size_t lo = 0, hi = img->nsyms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (img->syms[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* Walk back over symbols at the same address to the preferred one (sorted first), skipping
     * zero-sized untyped markers (runtime.text and the like). */
    size_t next = lo;
    while (lo > 0) {
        size_t i = lo - 1;
        uint64_t a = img->syms[i].addr;
        while (i > 0 && img->syms[i - 1].addr == a)
            i--;
        const struct sym_symbol *s = &img->syms[i];
        if (s->kind == SYM_SYMBOL_OTHER && s->size == 0) {
            lo = i;
            continue;
        }
        bool inside =
            s->size ? addr - s->addr < s->size : next >= img->nsyms || addr < img->syms[next].addr;
        if (!inside)
            return -ENOENT;
        *sym = s;
        if (offset)
            *offset = addr - s->addr;
        return 0;
    }
    return -ENOENT;
}

int sym_image_go_version(struct sym_image *img, char *buf, size_t len)
{
    const struct sym_symbol *s;
    int rc = sym_symbol_by_name(img, "runtime.buildVersion", &s);
    if (rc != 0)
        return rc;
    /* A Go string header: data pointer, then length, each pointer-sized. */
    uint8_t hdr[16];
    size_t w = img->ptr_size;
    rc = sym_image_read(img, s->addr, hdr, 2 * w);
    if (rc != 0)
        return -EINVAL;
    uint64_t ptr = 0, n = 0;
    for (size_t k = 0; k < w; k++) {
        ptr |= (uint64_t)hdr[k] << (8 * k);
        n |= (uint64_t)hdr[w + k] << (8 * k);
    }
    if (n == 0 || n > 256)
        return -EINVAL;
    if (len == 0 || n >= len)
        return -ERANGE;
    rc = sym_image_read(img, ptr, buf, (size_t)n);
    if (rc != 0)
        return -EINVAL;
    buf[n] = '\0';
    return 0;
}
