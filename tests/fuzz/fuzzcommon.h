#pragma once

// Shared by the libFuzzer targets: quiet Qt, a fixed "now" so a crash reproduces on any day,
// and a small reader that splits one input into the pieces a target needs.

#include <QByteArray>
#include <QDateTime>
#include <QtGlobal>

#include <cstddef>
#include <cstdint>

namespace plainkey::fuzz {

//! Qt's warnings would cost most of the time of a run and say nothing a crash does not.
inline void quietQt()
{
    qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &) {});
}

//! A fixed point in time (2026-11-30 12:00 UTC) for relative times ("in 4 min").
inline QDateTime fixedNow()
{
    return QDateTime::fromSecsSinceEpoch(1796040000, Qt::UTC);
}

//! Reads an input front to back: single selector bytes, then fields separated by a byte, then
//! the rest. Running out of input gives zeros and empty fields, never an error.
class Input
{
public:
    Input(const uint8_t *data, size_t size) : m_data(reinterpret_cast<const char *>(data), qsizetype(size)) {}

    quint8 byte()
    {
        if (m_pos >= m_data.size())
            return 0;
        return quint8(m_data.at(m_pos++));
    }
    //! The bytes up to the next \a separator (which is consumed), or the rest.
    QByteArray field(char separator = '\n')
    {
        if (m_pos >= m_data.size())
            return {};
        qsizetype end = m_data.indexOf(separator, m_pos);
        if (end < 0)
            end = m_data.size();
        const QByteArray out = m_data.mid(m_pos, end - m_pos);
        m_pos = end + 1;
        return out;
    }
    QByteArray rest()
    {
        const QByteArray out = m_pos < m_data.size() ? m_data.mid(m_pos) : QByteArray();
        m_pos = m_data.size();
        return out;
    }

private:
    QByteArray m_data;
    qsizetype m_pos = 0;
};

} // namespace plainkey::fuzz
