/*
 * stub/memory.c - raw access to the target's memory. process_vm_readv/writev first (one copy, no
 * ptrace round trip per word); /proc/PID/mem (opened once at attach) for what they cannot do:
 * pages that are not writable (breakpoints in text: /proc/PID/mem writes with FOLL_FORCE, as ptrace
 * does) and pages vm_readv refuses (e.g. PROT_NONE guard pages readable through the tracer path).
 * Breakpoint hiding is the caller's business (breakpoints.c); these functions see the real bytes.
 */
#include <config.h>

#include <errno.h>
#include <sys/uio.h>
#include <unistd.h>

#include "stub/inferior_int.h"

/* vm_readv stops at the first page it cannot read; reading page by page beyond that point through
 * /proc/PID/mem gives the longest readable prefix, which is what the RSP 'm' convention wants. */
static size_t read_procmem(struct inferior *inf, uint64_t addr, uint8_t *buf, size_t len)
{
    size_t done = 0;
    if (inf->mem_fd < 0)
        return 0;
    while (done < len) {
        if (addr + done > (uint64_t)INT64_MAX)
            break;
        ssize_t n = pread(inf->mem_fd, buf + done, len - done, (off_t)(addr + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    return done;
}

int mem_read_raw(struct inferior *inf, uint64_t addr, uint8_t *buf, size_t len, size_t *nread)
{
    *nread = 0;
    if (len == 0)
        return 0;
    if (inf->exited)
        return -ESRCH;
    if (addr + len < addr)
        len = (size_t)(UINT64_MAX - addr) + 1;

    size_t done = 0;
    struct iovec local = {.iov_base = buf, .iov_len = len};
    struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
    ssize_t n = process_vm_readv(inf->pid, &local, 1, &remote, 1, 0);
    if (n > 0)
        done = (size_t)n;
    if (done < len)
        done += read_procmem(inf, addr + done, buf + done, len - done);
    *nread = done;
    return done > 0 ? 0 : -EIO;
}

int mem_write_raw(struct inferior *inf, uint64_t addr, const uint8_t *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (inf->exited)
        return -ESRCH;
    if (addr + len < addr)
        return -EFAULT;

    struct iovec local = {.iov_base = (void *)(uintptr_t)buf, .iov_len = len};
    struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
    ssize_t n = process_vm_writev(inf->pid, &local, 1, &remote, 1, 0);
    size_t done = n > 0 ? (size_t)n : 0;
    /* Text pages are read-only: only the FOLL_FORCE path of /proc/PID/mem writes them. */
    while (done < len) {
        if (inf->mem_fd < 0 || addr + done > (uint64_t)INT64_MAX)
            return -EIO;
        ssize_t w = pwrite(inf->mem_fd, buf + done, len - done, (off_t)(addr + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 && errno ? -errno : -EIO;
        done += (size_t)w;
    }
    return 0;
}
