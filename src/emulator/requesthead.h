#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace plainkey::emulator {

//! An HTTP/1.x request head (request line and header fields), parsed strictly: what it cannot
//! read without guessing is refused with a status and a reason, never passed on.
struct RequestHead
{
    QByteArray method;
    QByteArray target;     //!< the path and query as sent (from an absolute URI, without scheme and host)
    QByteArray version;    //!< "HTTP/1.1" or "HTTP/1.0"
    QList<QPair<QByteArray, QByteArray>> headers;
    qint64 contentLength = 0; //!< 0 without Content-Length; qint64 max when too large to hold
    bool expectContinue = false;

    //! Refusal status (400, 411, 501, 505) with \a why set; 0 when \a head (without the blank
    //! line ending it) is a request the emulator takes. Lines end in CRLF or a bare LF.
    static int parse(QByteArrayView head, RequestHead *out, QString *why);
    //! Where the head in \a bytes ends (just past its blank line); -1 while it has not.
    static qsizetype endOf(QByteArrayView bytes);
};

} // namespace plainkey::emulator
