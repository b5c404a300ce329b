/* edge_threads.c - a target for security_edge.sh: "churn" creates and joins short-lived threads
 * without pause (each runs work() once); "many N" starts N threads blocked in pause() and prints
 * READY when all exist; "exec SECONDS" execs /bin/sleep 600 after SECONDS; "fork" forks a child
 * every 50 ms that runs work() and exits 0, counting children that did not (prints BADCHILD);
 * "exit SECONDS" exits with status 7 after SECONDS. Prints READY, then COUNT lines once a second.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long counter;

__attribute__((noinline)) void work(void)
{
    __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
}

static void *one_shot(void *arg)
{
    (void)arg;
    work();
    return NULL;
}

static void *blocked(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "churn";
    time_t last = time(NULL);
    unsigned bad = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (strcmp(mode, "many") == 0) {
        int n = argc > 2 ? atoi(argv[2]) : 1000;
        pthread_attr_t a;
        pthread_attr_init(&a);
        pthread_attr_setstacksize(&a, 64 * 1024);
        for (int i = 0; i < n; i++) {
            pthread_t t;
            if (pthread_create(&t, &a, blocked, NULL) != 0) {
                printf("FAILED at %d\n", i);
                return 1;
            }
        }
        printf("READY\n");
        for (;;) {
            work();
            nap_ms(100);
            if (time(NULL) != last) {
                last = time(NULL);
                printf("COUNT %lu BAD %u\n", counter, bad);
            }
        }
    }
    printf("READY\n");
    for (unsigned long i = 0;; i++) {
        if (strcmp(mode, "churn") == 0) {
            pthread_t t;
            if (pthread_create(&t, NULL, one_shot, NULL) == 0)
                pthread_join(t, NULL);
        } else if (strcmp(mode, "fork") == 0) {
            pid_t p = fork();
            int st;
            if (p == 0) {
                work();
                _exit(0);
            }
            if (p > 0 && waitpid(p, &st, 0) == p && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
                bad++;
                printf("BADCHILD status 0x%x\n", st);
            }
            work();
            nap_ms(50);
        } else if (strcmp(mode, "exec") == 0) {
            nap_ms(argc > 2 ? atoi(argv[2]) * 1000L : 2000);
            execl("/bin/sleep", "sleep", "600", (char *)NULL);
            return 1;
        } else if (strcmp(mode, "exit") == 0) {
            nap_ms(argc > 2 ? atoi(argv[2]) * 1000L : 2000);
            return 7;
        }
        if (time(NULL) != last) {
            last = time(NULL);
            printf("COUNT %lu BAD %u\n", counter, bad);
        }
    }
}
