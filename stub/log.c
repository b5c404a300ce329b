/*
 * stub/log.c - diagnostics on stderr (see log.h). Each line is written with one fprintf on an
 * unbuffered stream, so lines from gostub never interleave with each other.
 */
#include "config.h"

#include "stub/log.h"

#include <stdarg.h>
#include <stdio.h>

#define PACKET_LOG_MAX 512 /* bytes of a packet shown with -v */

bool stub_log_verbose;

static void vlog(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static void vlog(const char *fmt, va_list ap)
{
    char line[1024];

    vsnprintf(line, sizeof(line), fmt, ap);
    fprintf(stderr, "gostub: %s\n", line);
}

void stub_log(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}

void stub_log_debug(const char *fmt, ...)
{
    va_list ap;

    if (!stub_log_verbose)
        return;
    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}

void stub_log_packet(const char *dir, const uint8_t *data, size_t len)
{
    char text[PACKET_LOG_MAX * 4 + 1];
    size_t n = 0, shown = len < PACKET_LOG_MAX ? len : PACKET_LOG_MAX;

    if (!stub_log_verbose)
        return;
    for (size_t i = 0; i < shown; i++) {
        uint8_t c = data[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            text[n++] = (char)c;
        } else {
            snprintf(text + n, sizeof(text) - n, "\\x%02x", c);
            n += 4;
        }
    }
    text[n] = '\0';
    if (shown < len)
        fprintf(stderr, "gostub: %s %s... (%zu bytes)\n", dir, text, len);
    else
        fprintf(stderr, "gostub: %s %s\n", dir, text);
}
