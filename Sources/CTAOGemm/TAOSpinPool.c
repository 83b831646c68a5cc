// The spinning worker pool (see TAOSpinPool.h). A section is published as one 64-bit word, its sequence number
// shifted left by 8 with the part count below, so a worker reads "which section, how many parts" in one load: a
// worker with no part in section s cannot mistake the part count of section s + 1 for its own. The task and
// context are written before the word and stay put until every part has finished, which the caller awaits.
#define _GNU_SOURCE
#include "TAOSpinPool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void relax(void) { _mm_pause(); }
#else
static inline void relax(void) {}
#endif

static struct {
    _Atomic uint64_t section;      // sequence << 8 | parts
    _Atomic int unfinished;        // workers' parts of the current section still running
    _Atomic int busy;              // 1 while a caller owns the pool
    _Atomic int sleepers;          // workers waiting on `wake`
    _Atomic int spin_microseconds;
    tao_pool_task task;
    void *context;
    int workers;                   // threads started (only the owning caller starts more)
    uint64_t first_seen[TAO_POOL_MAX_PARTS]; // the section published when each worker was started
    pthread_mutex_t lock;
    pthread_cond_t wake;
} pool = {.spin_microseconds = 200, .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static int64_t now_nanoseconds(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (int64_t)time.tv_sec * 1000000000 + time.tv_nsec;
}

/// Waits until the published section differs from `seen`: polls for the spin time, then sleeps.
static uint64_t next_section(uint64_t seen) {
    int64_t deadline = now_nanoseconds() + (int64_t)atomic_load_explicit(&pool.spin_microseconds, memory_order_relaxed) * 1000;
    for (unsigned polls = 1;; polls++) {
        uint64_t section = atomic_load_explicit(&pool.section, memory_order_acquire);
        if (section != seen) return section;
        relax();
        if (polls % 16 == 0) {
            // Give the core away if another thread wants it (OpenBLAS's workers share these cores): a poller that
            // never yields made them wait for the scheduler to preempt it.
            sched_yield();
            if (now_nanoseconds() >= deadline) break;
        }
    }
    pthread_mutex_lock(&pool.lock);
    atomic_fetch_add(&pool.sleepers, 1);
    uint64_t section;
    while ((section = atomic_load(&pool.section)) == seen) pthread_cond_wait(&pool.wake, &pool.lock);
    atomic_fetch_sub(&pool.sleepers, 1);
    pthread_mutex_unlock(&pool.lock);
    return section;
}

static void *worker_main(void *argument) {
    int part = (int)(intptr_t)argument;
    // Not a fresh load of `section`: the section this worker was started for may be published before it runs.
    uint64_t seen = pool.first_seen[part];
    for (;;) {
        seen = next_section(seen);
        int parts = (int)(seen & 0xff);
        if (part < parts) {
            pool.task(pool.context, part, parts);
            atomic_fetch_sub_explicit(&pool.unfinished, 1, memory_order_release);
        }
    }
    return NULL;
}

/// Starts workers until parts 1 ..< parts each have one; returns whether they all have.
static int start_workers(int parts) {
    while (pool.workers < parts - 1) {
        pool.first_seen[pool.workers + 1] = atomic_load(&pool.section);
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, worker_main, (void *)(intptr_t)(pool.workers + 1));
        pthread_attr_destroy(&attributes);
        if (failed) break;
        pool.workers++;
    }
    return pool.workers + 1 >= parts;
}

int tao_pool_run(int parts, tao_pool_task task, void *context) {
    if (parts < 2 || parts > TAO_POOL_MAX_PARTS) return 0;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&pool.busy, &expected, 1)) return 0;
    if (!start_workers(parts)) {
        atomic_store(&pool.busy, 0);
        return 0;
    }
    pool.task = task;
    pool.context = context;
    atomic_store_explicit(&pool.unfinished, parts - 1, memory_order_relaxed);
    uint64_t sequence = (atomic_load_explicit(&pool.section, memory_order_relaxed) >> 8) + 1;
    atomic_store(&pool.section, sequence << 8 | (uint64_t)parts);
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.lock);
    }
    task(context, 0, parts);
    while (atomic_load_explicit(&pool.unfinished, memory_order_acquire) > 0) relax();
    atomic_store(&pool.busy, 0);
    return 1;
}

void tao_pool_set_spin_microseconds(int microseconds) {
    atomic_store(&pool.spin_microseconds, microseconds < 0 ? 0 : microseconds);
}
