#pragma once

#include <QDeadlineTimer>
#include <QObject>

#include <deque>
#include <functional>
#include <memory>
#include <vector>

class QTimer;

namespace plainkey {

//! Frees large containers on the thread that owns them, a few milliseconds at a time.
//!
//! Emptying a log of 100,000 exchanges frees about a million small blocks. Done at once it
//! holds the GUI thread for a quarter of a second; done on a pool thread it contends with the
//! GUI thread for the allocator's lock, since every block belongs to the GUI thread's arena,
//! and the GUI thread stalls anyway. So the container is taken over whole (its owner is
//! empty at once), and its elements are destroyed in slices of at most sliceMs() between
//! events: the window repaints and answers keys between two slices.
class SlicedRelease : public QObject
{
    Q_OBJECT
public:
    explicit SlicedRelease(QObject *parent = nullptr);
    //! Frees whatever is still pending, at once.
    ~SlicedRelease() override;

    //! Takes \a items over and destroys them in later slices.
    template<typename T>
    void release(std::deque<T> &&items)
    {
        if (items.empty())
            return;
        auto held = std::make_shared<std::deque<T>>(std::move(items));
        m_pendingItems += held->size();
        enqueue([held](const QDeadlineTimer &deadline, size_t *freed) {
            size_t n = 0;
            while (!held->empty()) {
                held->pop_back();
                // Reading the clock costs more than destroying one element.
                if ((++n & 31) == 0 && deadline.hasExpired())
                    break;
            }
            *freed = n;
            return held->empty();
        });
    }

    //! Elements taken over and not destroyed yet.
    size_t pendingItems() const { return m_pendingItems; }
    bool isPending() const { return m_pendingItems > 0; }
    //! Longest a slice runs. Default 4 ms.
    int sliceMs() const { return m_sliceMs; }
    void setSliceMs(int ms) { m_sliceMs = qMax(1, ms); }
    //! Runs slices until nothing is pending (tests, shutdown).
    void releaseAll();

    //! Makes glibc's allocator free small blocks at an even pace; call once, first thing in main().
    //! By default glibc parks small freed blocks in "fast bins" and merges all of them the next
    //! time a large free area forms: after 100,000 exchanges that one free() took 80 ms. Without
    //! fast bins (the per-thread cache still serves small blocks) the same release runs in
    //! slices of 4 ms and takes 110 ms instead of 180 ms in all (bench_logmodel). No-op
    //! elsewhere than glibc.
    static void tuneAllocator();

signals:
    //! The last pending element was destroyed.
    void drained();

private:
    //! Destroys elements until \a deadline; sets how many; true when that job is done.
    using Job = std::function<bool(const QDeadlineTimer &deadline, size_t *freed)>;
    void enqueue(Job job);
    void runSlice();

    std::vector<Job> m_jobs;
    size_t m_pendingItems = 0;
    int m_sliceMs = 4;
    QTimer *m_timer;
};

} // namespace plainkey
