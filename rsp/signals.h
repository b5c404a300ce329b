/*
 * rsp/signals.h - GDB's signal numbering (gdb/signals.def) and the host (Linux) numbering.
 * On the wire every signal number is GDB's; the stub and the frontend think in host numbers and
 * convert here, at the edge. Not for signal names shown to users beyond the short "SIGSEGV" form.
 */
#ifndef RSP_SIGNALS_H
#define RSP_SIGNALS_H

#define RSP_GDB_SIGNAL_0 0
#define RSP_GDB_SIGNAL_INT 2
#define RSP_GDB_SIGNAL_TRAP 5
#define RSP_GDB_SIGNAL_UNKNOWN 143
#define RSP_GDB_SIGNAL_LAST 144 /* one past the largest GDB number */

#define RSP_HOST_NSIG 65 /* Linux signals are 1..64 */

/* Host signal -> GDB signal (0 -> 0; unknown -> RSP_GDB_SIGNAL_UNKNOWN). */
int rsp_signal_to_gdb(int host_sig);
/* GDB signal -> host signal; -1 when the host has no such signal. 0 -> 0. */
int rsp_signal_from_gdb(int gdb_sig);
/* "SIGSEGV" style name of a host signal, or "SIG?" */
const char *rsp_signal_name(int host_sig);

#endif
