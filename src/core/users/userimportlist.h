#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace plainkey {

//! One name of a bulk import and what became of it.
struct ImportRow
{
    enum class Status {
        Pending,   //!< not sent yet
        Created,   //!< PlainKey created the user (userId set)
        Failed,    //!< PlainKey refused it, or the import stopped before it (message says which)
        Invalid,   //!< never sent: empty, a duplicate in the file, control characters
        Uncertain, //!< sent, but no clear answer came: the user may or may not exist
    };

    int line = 0; //!< 1-based line of the file where the name starts
    QString userName;
    Status status = Status::Pending;
    QString userId;
    QString message;

    bool isDone() const { return status != Status::Pending; }
    //! "created", "failed", "invalid", "uncertain" or "pending", for reports and --json.
    static QString statusName(Status status);
};

//! The names of a bulk-import file: CSV (with a userName/email/name column, or the first
//! column) or one name per line. Reading never fails on a bad row; bad rows are marked Invalid.
struct UserImportList
{
    QList<ImportRow> rows;
    //! "one name per line" or "CSV, column “email”", for the preview.
    QString format;
    //! What the reader did that the person should know ("skipped the header row", ...).
    QStringList notices;
    //! Why the file as a whole could not be read; empty when it could.
    QString error;

    bool ok() const { return error.isEmpty(); }
    int count(ImportRow::Status status) const;

    //! Reads \a data; \a fileName (may be empty) helps decide between CSV and plain lines.
    static UserImportList parse(const QByteArray &data, const QString &fileName = {});
    //! The largest list read, from a file or standard input: 64 MiB (about two million names).
    static constexpr qint64 maxBytes = 64 * 1024 * 1024;
    //! Reads the file at \a path; one over maxBytes is refused whole, never cut.
    static UserImportList load(const QString &path);
    //! The error for a list larger than maxBytes, naming \a source ("standard input", a path).
    static QString tooLargeError(const QString &source);
    //! The rows as CSV (line, userName, status, userId, message) for a report file.
    static QByteArray reportCsv(const QList<ImportRow> &rows);
};

} // namespace plainkey
