/*
 * stub/log.h - gostub's diagnostics: one line each, "gostub: " first, always on stderr (stdout may
 * be the protocol stream with --stdio). The packet log (-v) goes through stub_log_packet.
 */
#ifndef STUB_LOG_H
#define STUB_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern bool stub_log_verbose; /* -v: log packets and protocol events */

void stub_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only with -v. */
void stub_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only with -v: dir is "<-" (from the client) or "->"; bytes made printable, long ones cut. */
void stub_log_packet(const char *dir, const uint8_t *data, size_t len);

#endif
