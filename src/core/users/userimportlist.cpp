#include "core/users/userimportlist.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QStringDecoder>

namespace plainkey {

namespace {

constexpr qint64 kMaxFileBytes = UserImportList::maxBytes;

struct Record
{
    int line = 0;
    QStringList cells;
};

//! RFC 4180 records: quoted cells may hold the delimiter, doubled quotes and line breaks.
QList<Record> readCsv(const QString &text, QChar delimiter)
{
    QList<Record> records;
    Record current;
    QString cell;
    bool quoted = false;
    bool cellWasQuoted = false;
    int line = 1;
    current.line = 1;
    const qsizetype n = text.size();
    auto endCell = [&] {
        current.cells.append(cellWasQuoted ? cell : cell.trimmed());
        cell.clear();
        cellWasQuoted = false;
    };
    auto endRecord = [&] {
        endCell();
        records.append(current);
        current = Record();
        current.line = line;
    };
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < n && text.at(i + 1) == QLatin1Char('"')) {
                    cell += QLatin1Char('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                cell += c;
            }
            continue;
        }
        if (c == QLatin1Char('"') && cell.trimmed().isEmpty()) {
            quoted = true;
            cellWasQuoted = true;
            cell.clear();
        } else if (c == delimiter) {
            endCell();
        } else if (c == QLatin1Char('\r')) {
            // CRLF: the \n ends the record.
        } else if (c == QLatin1Char('\n')) {
            ++line;
            endRecord();
        } else {
            cell += c;
        }
    }
    if (!cell.isEmpty() || cellWasQuoted || !current.cells.isEmpty())
        endRecord();
    return records;
}

QString headerKey(const QString &cell)
{
    QString k = cell.trimmed().toLower();
    k.remove(QLatin1Char('_'));
    k.remove(QLatin1Char('-'));
    k.remove(QLatin1Char(' '));
    return k;
}

//! The column a header row names for user names, or -1 when the row is not a header.
int headerColumn(const QStringList &cells)
{
    static const QStringList preferred = {QStringLiteral("username"), QStringLiteral("email"), QStringLiteral("emailaddress"),
                                          QStringLiteral("login"), QStringLiteral("name"), QStringLiteral("user")};
    for (const QString &want : preferred) {
        for (int i = 0; i < cells.size(); ++i) {
            if (headerKey(cells.at(i)) == want)
                return i;
        }
    }
    return -1;
}

bool hasControlCharacters(const QString &s)
{
    for (const QChar c : s) {
        if (c.category() == QChar::Other_Control || c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            return true;
    }
    return false;
}

QString csvCell(const QString &s)
{
    // Quote everything that could be read as a formula or break the cell.
    QString v = s;
    if (!v.isEmpty() && QStringLiteral("=+-@").contains(v.front()))
        v.prepend(QLatin1Char('\''));
    if (v.contains(QLatin1Char(',')) || v.contains(QLatin1Char('"')) || v.contains(QLatin1Char('\n')) || v != s)
        return QLatin1Char('"') + QString(v).replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"');
    return v;
}

} // namespace

QString ImportRow::statusName(Status status)
{
    switch (status) {
    case Status::Pending: return QStringLiteral("pending");
    case Status::Created: return QStringLiteral("created");
    case Status::Failed: return QStringLiteral("failed");
    case Status::Invalid: return QStringLiteral("invalid");
    case Status::Uncertain: return QStringLiteral("uncertain");
    }
    return {};
}

int UserImportList::count(ImportRow::Status status) const
{
    int n = 0;
    for (const ImportRow &r : rows)
        n += r.status == status ? 1 : 0;
    return n;
}

UserImportList UserImportList::parse(const QByteArray &data, const QString &fileName)
{
    UserImportList list;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(data);
    if (decoder.hasError()) {
        list.error = QStringLiteral("the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in spreadsheet programs) and try again");
        return list;
    }
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    if (text.contains(QChar(0))) {
        list.error = QStringLiteral("the file contains NUL bytes: it looks like a binary file, not a list of names");
        return list;
    }

    // The first non-empty line decides: a delimiter (or a .csv name) means CSV.
    QString firstLine;
    for (const QString &l : QStringView(text).left(65536).toString().split(QLatin1Char('\n'))) {
        if (!l.trimmed().isEmpty()) {
            firstLine = l;
            break;
        }
    }
    const bool csvName = fileName.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive)
            || fileName.endsWith(QLatin1String(".tsv"), Qt::CaseInsensitive);
    QChar delimiter;
    for (const QChar d : {QLatin1Char(','), QLatin1Char(';'), QLatin1Char('\t')}) {
        if (firstLine.contains(d)) {
            delimiter = d;
            break;
        }
    }
    if (delimiter.isNull() && csvName)
        delimiter = fileName.endsWith(QLatin1String(".tsv"), Qt::CaseInsensitive) ? QLatin1Char('\t') : QLatin1Char(',');

    QList<Record> records;
    int column = 0;
    bool skipFirst = false;
    if (!delimiter.isNull()) {
        records = readCsv(text, delimiter);
        // Drop blank records before deciding on a header.
        records.erase(std::remove_if(records.begin(), records.end(),
                                     [](const Record &r) {
                                         for (const QString &c : r.cells)
                                             if (!c.trimmed().isEmpty())
                                                 return false;
                                         return true;
                                     }),
                      records.end());
        const int header = records.isEmpty() ? -1 : headerColumn(records.first().cells);
        const QString delimiterName = delimiter == QLatin1Char('\t') ? QStringLiteral("tab") : QStringLiteral("\u201c%1\u201d").arg(delimiter);
        if (header >= 0) {
            column = header;
            skipFirst = true;
            list.format = QStringLiteral("CSV (%1-separated), column \u201c%2\u201d").arg(delimiterName, records.first().cells.at(header).trimmed());
            list.notices.append(QStringLiteral("Line %1 is a header row and was skipped.").arg(records.first().line));
        } else {
            list.format = QStringLiteral("CSV (%1-separated), first column").arg(delimiterName);
            if (!records.isEmpty() && records.first().cells.size() > 1)
                list.notices.append(QStringLiteral("No header row names a userName, email or name column: the first column is used."));
        }
    } else {
        list.format = QStringLiteral("one name per line");
        int line = 0;
        int comments = 0;
        for (const QString &l : text.split(QLatin1Char('\n'))) {
            ++line;
            QString t = l;
            if (t.endsWith(QLatin1Char('\r')))
                t.chop(1);
            if (t.trimmed().isEmpty())
                continue;
            if (t.trimmed().startsWith(QLatin1Char('#'))) {
                ++comments;
                continue;
            }
            records.append(Record{line, {t.trimmed()}});
        }
        if (comments)
            list.notices.append(QStringLiteral("%1 line(s) starting with # were read as comments and skipped.").arg(comments));
        if (!records.isEmpty() && headerColumn(records.first().cells) == 0) {
            skipFirst = true;
            list.notices.append(QStringLiteral("Line %1 (\u201c%2\u201d) is a header and was skipped.")
                                        .arg(records.first().line).arg(records.first().cells.first()));
        }
    }

    QHash<QString, int> seen;
    list.rows.reserve(records.size());
    for (int i = skipFirst ? 1 : 0; i < records.size(); ++i) {
        const Record &r = records.at(i);
        ImportRow row;
        row.line = r.line;
        row.userName = column < r.cells.size() ? r.cells.at(column).trimmed() : QString();
        if (row.userName.isEmpty()) {
            row.status = ImportRow::Status::Invalid;
            row.message = QStringLiteral("no user name in this row");
        } else if (hasControlCharacters(row.userName)) {
            row.status = ImportRow::Status::Invalid;
            row.message = QStringLiteral("the name contains line breaks or control characters");
        } else if (const auto it = seen.constFind(row.userName); it != seen.constEnd()) {
            row.status = ImportRow::Status::Invalid;
            row.message = QStringLiteral("the same name as line %1").arg(*it);
        } else {
            seen.insert(row.userName, row.line);
        }
        list.rows.append(row);
    }
    if (list.rows.isEmpty())
        list.error = QStringLiteral("the file has no user names");
    return list;
}

QString UserImportList::tooLargeError(const QString &source)
{
    return QStringLiteral("%1 is larger than 64 MiB, the limit for one list; nothing was imported: split it into smaller lists")
            .arg(source);
}

UserImportList UserImportList::load(const QString &path)
{
    UserImportList list;
    QFile file(path);
    const QFileInfo info(path);
    if (info.isDir()) {
        list.error = QStringLiteral("%1 is a folder, not a file").arg(path);
        return list;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        list.error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        return list;
    }
    if (file.size() > kMaxFileBytes) {
        list.error = QStringLiteral("%1 is %2 MiB; split it into files under 64 MiB").arg(path).arg(file.size() / (1024 * 1024));
        return list;
    }
    // A pipe or a file still growing has no size up front: the byte past the limit tells.
    const QByteArray data = file.read(kMaxFileBytes + 1);
    if (file.error() != QFileDevice::NoError) {
        list.error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return list;
    }
    if (data.size() > kMaxFileBytes) {
        list.error = tooLargeError(path);
        return list;
    }
    return parse(data, info.fileName());
}

QByteArray UserImportList::reportCsv(const QList<ImportRow> &rows)
{
    QString out = QStringLiteral("line,userName,status,userId,message\n");
    for (const ImportRow &r : rows) {
        out += QString::number(r.line) + QLatin1Char(',') + csvCell(r.userName) + QLatin1Char(',') + ImportRow::statusName(r.status)
                + QLatin1Char(',') + csvCell(r.userId) + QLatin1Char(',') + csvCell(r.message) + QLatin1Char('\n');
    }
    return out.toUtf8();
}

} // namespace plainkey
