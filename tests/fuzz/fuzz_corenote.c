/*
 * tests/fuzz/fuzz_corenote.c - libFuzzer over the core-file reader: corefile_open_mem on the input
 * (ELF header, program headers, every note kind), then every register of every thread and memory
 * reads around each segment and mapping boundary. Oracles: ASan/UBSan, plus the reader's own
 * contracts - a failed open leaves *out NULL with a message, a read never reports more bytes than
 * asked, 0 with nread 0 only for zero-length reads. No binary and no NT_FILE files are opened
 * (no_mapped_files), so runs depend on the input alone. Run: tests/fuzz/fuzz_corenote
 * -max_total_time=60 [CORPUS_DIR]
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/target/corefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_read(struct corefile *cf, uint64_t addr, size_t len)
{
    uint8_t buf[512];
    size_t n = 12345;
    if (len > sizeof buf)
        len = sizeof buf;
    int e = corefile_read_mem(cf, addr, buf, len, &n);
    if (n > len || (e == 0 && n == 0 && len > 0) || (e != 0 && n != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy: ASan catches any read past the end */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct corefile_opts opts = {.no_mapped_files = true};
    struct corefile *cf = (struct corefile *)copy;
    char err[256];
    err[0] = '\0';
    int e = corefile_open_mem(copy, size, &opts, &cf, err, sizeof err);
    if (e != 0) {
        if (cf != NULL || err[0] == '\0' || e > 0)
            abort();
        free(copy);
        return 0;
    }
    const struct arch_desc *a = corefile_arch(cf);
    if (!a || corefile_nthreads(cf) == 0)
        abort();
    for (size_t t = 0; t < corefile_nthreads(cf) && t < 8; t++)
        for (unsigned r = 0; r < a->nregs; r++) {
            uint8_t b[64];
            if (corefile_read_reg(cf, t, r, b, a->regs[r].size_bits / 8) == -EINVAL)
                abort(); /* the right size for a valid thread and register */
        }
    uint64_t v;
    (void)corefile_auxv(cf, 3, &v);
    (void)corefile_signal(cf);
    char id[300];
    (void)corefile_build_id_str(corefile_core_build_id(cf), id, sizeof id);
    for (size_t i = 0; i < corefile_nmappings(cf) && i < 16; i++) {
        const struct corefile_mapping *m = corefile_mapping(cf, i);
        if (!m || !m->name)
            abort();
        check_read(cf, m->start, 64);
        check_read(cf, m->end - 8, 64);
    }
    /* reads at addresses the input itself names (every 8-byte word of the first 2 KiB) */
    for (size_t o = 0; o + 8 <= size && o < 2048; o += 8) {
        uint64_t addr;
        memcpy(&addr, copy + o, 8);
        check_read(cf, addr, 1 + (size_t)(addr & 0x1ff));
        check_read(cf, addr - 4, 16);
    }
    corefile_close(cf);
    free(copy);
    return 0;
}
