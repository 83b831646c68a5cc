// A small pool of worker threads for short parallel sections such as one GEMM of a sentence through BERT (tens
// of microseconds). A worker that finished a task keeps polling for the next one for a short while before it
// sleeps, so back-to-back sections do not pay for waking a sleeping thread (on a virtual machine, tens of
// microseconds each). Only one caller uses the pool at a time; a second caller (another model, or a task that
// itself asks for the pool) is told so and runs its work on its own thread.
#ifndef TAOSPINPOOL_H
#define TAOSPINPOOL_H

#ifdef __cplusplus
extern "C" {
#endif

/// One part of a parallel section: `part` in 0 ..< `parts`.
typedef void (*tao_pool_task)(void *context, int part, int parts);

/// The most parts one section can have (the caller plus the pool's workers).
enum { TAO_POOL_MAX_PARTS = 64 };

/// Runs task(context, part, parts) for every part in 0 ..< parts, part 0 on the calling thread and the others on
/// the pool's workers (started on first use), and returns when all have finished. Returns 0 without running
/// anything when the pool is busy with another caller or `parts` is out of 2 ... TAO_POOL_MAX_PARTS.
int tao_pool_run(int parts, tao_pool_task task, void *context);

/// Microseconds an idle worker keeps polling before it sleeps (default 200). 0 makes workers sleep at once.
void tao_pool_set_spin_microseconds(int microseconds);

#ifdef __cplusplus
}
#endif

#endif
