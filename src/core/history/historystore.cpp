#include "core/history/historystore.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUrl>

namespace plainkey {

namespace {

QString newConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("plainkey-history-%1").arg(counter.fetchAndAddRelaxed(1));
}

const char *const kSchema[] = {
        "CREATE TABLE exchange ("
        " id INTEGER PRIMARY KEY,"
        " started_at INTEGER NOT NULL," // ms since the epoch, UTC
        " profile TEXT NOT NULL,"
        " endpoint TEXT NOT NULL,"
        " operation TEXT NOT NULL,"
        " method TEXT NOT NULL,"
        " url TEXT NOT NULL,"
        " status INTEGER NOT NULL,"
        " reason TEXT NOT NULL,"
        " outcome INTEGER NOT NULL,"
        " duration_ms INTEGER NOT NULL,"
        " response_bytes INTEGER NOT NULL,"
        " error_text TEXT NOT NULL,"
        " redirect_url TEXT NOT NULL,"
        " request_headers BLOB NOT NULL,"
        " request_body BLOB NOT NULL,"
        " request_truncated INTEGER NOT NULL,"
        " response_headers BLOB NOT NULL,"
        " response_body BLOB NOT NULL,"
        " response_truncated INTEGER NOT NULL)",
        "CREATE INDEX exchange_started ON exchange (started_at)",
        "CREATE INDEX exchange_profile ON exchange (profile, started_at)",
        // The index keeps its own copy of the text: retention and Clear delete from it by rowid.
        "CREATE VIRTUAL TABLE exchange_fts USING fts5 (text, tokenize = 'unicode61')",
};

QByteArray headersToBytes(const HttpHeaders &headers)
{
    QByteArray out;
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\n";
    return out;
}

HttpHeaders headersFromBytes(const QByteArray &bytes)
{
    HttpHeaders out;
    for (const QByteArray &line : bytes.split('\n')) {
        const qsizetype colon = line.indexOf(": ");
        if (colon > 0)
            out.append({line.left(colon), line.mid(colon + 2)});
    }
    return out;
}

// SQLite's codes for a file that is not (or no longer) a database: SQLITE_CORRUPT, SQLITE_NOTADB.
bool isDamage(const QSqlError &e)
{
    const QString code = e.nativeErrorCode();
    return code == QLatin1String("11") || code == QLatin1String("26")
           || e.databaseText().contains(QLatin1String("malformed"), Qt::CaseInsensitive)
           || e.databaseText().contains(QLatin1String("not a database"), Qt::CaseInsensitive);
}

// Null strings and arrays would be bound as SQL NULL; the columns hold empty values instead.
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(QString(QLatin1String(""))) : QVariant(s);
}

QVariant bytes(const QByteArray &b)
{
    return b.isNull() ? QVariant(QByteArray("")) : QVariant(b);
}

QString searchText(const Exchange &e)
{
    QString text = QUrl(e.url).path() + QLatin1Char(' ') + QUrl(e.url).query() + QLatin1Char(' ') + QString::fromLatin1(e.method)
                   + QLatin1Char(' ') + e.operation + QLatin1Char(' ') + QString::number(e.status) + QLatin1Char(' ')
                   + QString::fromLatin1(e.reasonPhrase) + QLatin1Char(' ') + e.errorText + QLatin1Char('\n');
    text += QString::fromUtf8(e.requestBody) + QLatin1Char('\n') + QString::fromUtf8(e.responseBody);
    return text;
}

// Checks an existing file through its own connection; empty when it is a usable history.
QString inspect(const QString &path)
{
    const QString name = newConnectionName();
    QString why;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            why = QStringLiteral("it cannot be opened as an SQLite database (%1)").arg(db.lastError().text());
        } else {
            QSqlQuery q(db);
            auto scalar = [&](const QString &sql) -> QVariant {
                if (!why.isEmpty())
                    return {};
                if (!q.exec(sql) || !q.next()) {
                    why = QStringLiteral("it is not a readable SQLite database (%1)").arg(q.lastError().databaseText());
                    return {};
                }
                return q.value(0);
            };
            const int appId = scalar(QStringLiteral("PRAGMA application_id")).toInt();
            const int version = scalar(QStringLiteral("PRAGMA user_version")).toInt();
            const int tables = scalar(QStringLiteral("SELECT count(*) FROM sqlite_master")).toInt();
            if (why.isEmpty() && tables > 0 && appId != HistoryStore::kApplicationId)
                why = QStringLiteral("it is not a PlainKey history file");
            else if (why.isEmpty() && tables > 0 && version > HistoryStore::kSchemaVersion)
                why = QStringLiteral("it was written by a newer PlainKey Console (schema %1)").arg(version);
            // SQLite's quick check reads every page: about 4 s for 560 MB on a busy machine, paid
            // by every plainkey-cli run. Past 32 MB only the pages a start needs are read here;
            // damage elsewhere surfaces on a write, and the writer then moves the file aside.
            if (why.isEmpty() && tables > 0 && QFileInfo(path).size() <= 32 * 1024 * 1024) {
                const QVariant check = scalar(QStringLiteral("PRAGMA quick_check(1)"));
                if (why.isEmpty() && check.toString() != QLatin1String("ok"))
                    why = QStringLiteral("it is damaged (SQLite's check says: %1)").arg(check.toString().left(200));
            }
            if (why.isEmpty() && tables > 0)
                scalar(QStringLiteral("SELECT max(id) FROM exchange"));
            if (why.isEmpty() && tables > 0) {
                if (!q.exec(QStringLiteral("SELECT count(*) FROM exchange_fts WHERE exchange_fts MATCH 'plainkey'")))
                    why = QStringLiteral("its search index cannot be read (%1)").arg(q.lastError().databaseText());
            }
        }
    }
    QSqlDatabase::removeDatabase(name);
    return why;
}

QString moveAside(const QString &path, QString *error)
{
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString target = path + QStringLiteral(".damaged-") + stamp;
    for (int n = 2; QFileInfo::exists(target); ++n)
        target = path + QStringLiteral(".damaged-%1-%2").arg(stamp).arg(n);
    if (!QFile::rename(path, target)) {
        *error = QStringLiteral("it could not be moved aside to %1").arg(target);
        return {};
    }
    for (const char *suffix : {"-wal", "-shm"}) {
        const QString side = path + QLatin1String(suffix);
        if (QFileInfo::exists(side) && !QFile::rename(side, target + QLatin1String(suffix)))
            QFile::remove(side);
    }
    return target;
}

} // namespace

HistoryStore::~HistoryStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QString HistoryStore::defaultPath()
{
    const QString overridden = qEnvironmentVariable("PLAINKEY_HISTORY_FILE");
    if (!overridden.isEmpty())
        return overridden;
    // The console's AppDataLocation ("PlainKey/PlainKey Console"), spelled out so that the
    // CLI, whose application name differs, finds the same file.
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
           + QStringLiteral("/PlainKey/PlainKey Console/history.sqlite");
}

std::unique_ptr<HistoryStore> HistoryStore::open(const QString &path, QString *notice, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (QFileInfo(path).size() > 0) {
        const QString why = inspect(path);
        if (!why.isEmpty()) {
            QString moveError;
            const QString target = moveAside(path, &moveError);
            if (target.isEmpty()) {
                *error = QStringLiteral("The request history %1 cannot be used: %2, and %3.").arg(path, why, moveError);
                return nullptr;
            }
            if (notice)
                *notice = QStringLiteral("The request history %1 could not be read: %2. It was moved to %3 and a new, empty "
                                         "history started.")
                                  .arg(path, why, target);
        }
    }

    std::unique_ptr<HistoryStore> s(new HistoryStore);
    s->m_path = path;
    s->m_connection = newConnectionName();
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), s->m_connection);
    db.setDatabaseName(path);
    // The console and the CLI may write at the same time; each waits its turn.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        *error = QStringLiteral("The request history %1 cannot be opened: %2").arg(path, db.lastError().text());
        return nullptr;
    }
    QSqlQuery q(db);
    bool ok = q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'exchange'")) && q.next();
    const bool fresh = ok && q.value(0).toInt() == 0;
    q.finish();
    // Before any table: freed pages can then be given back (retention, Clear history).
    if (fresh)
        ok = ok && s->exec(QStringLiteral("PRAGMA auto_vacuum = INCREMENTAL"));
    ok = ok && q.exec(QStringLiteral("PRAGMA journal_mode = WAL")) && q.next()
         && q.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) == 0;
    q.finish();
    // NORMAL in WAL: a committed batch survives the program being killed; the database stays
    // consistent through a power loss too, with at most its last batches gone.
    ok = ok && s->exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
    if (ok && fresh) {
        ok = s->exec(QStringLiteral("BEGIN IMMEDIATE"));
        for (const char *sql : kSchema)
            ok = ok && s->exec(QString::fromLatin1(sql));
        ok = ok && s->exec(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId))
             && s->exec(QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion)) && s->exec(QStringLiteral("COMMIT"));
        if (!ok)
            s->rollback();
    }
    if (!ok) {
        *error = QStringLiteral("The request history %1 cannot be set up: %2").arg(path, s->m_error.isEmpty() ? q.lastError().text() : s->m_error);
        return nullptr;
    }
    return s;
}

bool HistoryStore::fail(const QSqlError &error)
{
    m_error = error.text();
    m_damaged = isDamage(error);
    return false;
}

void HistoryStore::rollback()
{
    // Keeps the error that made the transaction fail; a rollback's own failure adds nothing.
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.exec(QStringLiteral("ROLLBACK"));
}

bool HistoryStore::exec(const QString &sql, const QVariantList &values)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.prepare(sql))
        return fail(q.lastError());
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (!q.exec())
        return fail(q.lastError());
    return true;
}

bool HistoryStore::append(const QList<HistoryEntry> &entries)
{
    if (entries.isEmpty())
        return true;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!exec(QStringLiteral("BEGIN IMMEDIATE")))
        return false;
    m_error.clear();
    m_damaged = false;
    QSqlQuery insert(db);
    QSqlQuery index(db);
    bool ok = insert.prepare(QStringLiteral(
                      "INSERT INTO exchange (started_at, profile, endpoint, operation, method, url, status, reason, outcome, "
                      "duration_ms, response_bytes, error_text, redirect_url, request_headers, request_body, request_truncated, "
                      "response_headers, response_body, response_truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
              && index.prepare(QStringLiteral("INSERT INTO exchange_fts (rowid, text) VALUES (?, ?)"));
    if (!ok) {
        fail(insert.lastError().isValid() ? insert.lastError() : index.lastError());
        rollback();
        return false;
    }
    for (const HistoryEntry &entry : entries) {
        const Exchange &e = entry.exchange;
        const QString path = QUrl(e.url).path();
        const QVariantList values = {e.startedAt.isValid() ? e.startedAt.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch(),
                                     text(entry.profile),
                                     endpointOf(path),
                                     text(e.operation),
                                     text(QString::fromLatin1(e.method)),
                                     text(e.url),
                                     e.status,
                                     text(QString::fromLatin1(e.reasonPhrase)),
                                     int(e.outcome),
                                     e.durationMs,
                                     e.responseBytes,
                                     text(e.errorText),
                                     text(e.redirectUrl),
                                     bytes(headersToBytes(e.requestHeaders)),
                                     bytes(e.requestBody),
                                     int(e.requestBodyTruncated),
                                     bytes(headersToBytes(e.responseHeaders)),
                                     bytes(e.responseBody),
                                     int(e.responseBodyTruncated)};
        for (int i = 0; i < values.size(); ++i)
            insert.bindValue(i, values[i]);
        if (!insert.exec()) {
            fail(insert.lastError());
            rollback();
            return false;
        }
        index.bindValue(0, insert.lastInsertId());
        index.bindValue(1, searchText(e));
        if (!index.exec()) {
            fail(index.lastError());
            rollback();
            return false;
        }
    }
    if (!exec(QStringLiteral("COMMIT"))) {
        rollback();
        return false;
    }
    return true;
}

QList<HistoryEntry> HistoryStore::query(const HistoryQuery &query, bool *ok)
{
    if (ok)
        *ok = false;
    QStringList where;
    QVariantList values;
    const QString match = ftsQuery(query.text);
    QString from = QStringLiteral("exchange e");
    // Without text, the time indexes give both the range and the order.
    QString order = QStringLiteral("e.started_at DESC, e.id DESC");
    if (!match.isEmpty()) {
        // Driven by the index, newest match first, so a common word stops at the limit.
        from = QStringLiteral("exchange_fts f JOIN exchange e ON e.id = f.rowid");
        where << QStringLiteral("exchange_fts MATCH ?");
        values << match;
        order = QStringLiteral("f.rowid DESC");
    } else if (!query.text.trimmed().isEmpty()) {
        return {}; // only punctuation: nothing can match a word
    }
    if (!query.profile.isEmpty()) {
        where << QStringLiteral("e.profile = ?");
        values << query.profile;
    }
    if (query.from.isValid()) {
        where << QStringLiteral("e.started_at >= ?");
        values << query.from.toMSecsSinceEpoch();
    }
    if (query.to.isValid()) {
        where << QStringLiteral("e.started_at < ?");
        values << query.to.toMSecsSinceEpoch();
    }
    if (!query.endpoint.isEmpty()) {
        where << QStringLiteral("e.endpoint = ?");
        values << query.endpoint;
    }
    using O = Exchange::Outcome;
    auto outcomes = [&](std::initializer_list<O> list) {
        QStringList in;
        for (O o : list)
            in << QString::number(int(o));
        where << QStringLiteral("e.outcome IN (%1)").arg(in.join(QLatin1Char(',')));
    };
    switch (query.status) {
    case HistoryQuery::Status::Any: break;
    case HistoryQuery::Status::Success: outcomes({O::Success}); break;
    case HistoryQuery::Status::Redirect: outcomes({O::Redirect}); break;
    case HistoryQuery::Status::ClientError: outcomes({O::ClientError}); break;
    case HistoryQuery::Status::ServerError: outcomes({O::ServerError}); break;
    case HistoryQuery::Status::Problems: outcomes({O::ClientError, O::ServerError, O::Failed}); break;
    case HistoryQuery::Status::Failed: outcomes({O::Failed, O::Cancelled}); break;
    }
    const QString sql = QStringLiteral(
                                "SELECT e.id, e.started_at, e.profile, e.operation, e.method, e.url, e.status, e.reason, e.outcome, "
                                "e.duration_ms, e.response_bytes, e.error_text, e.redirect_url, e.request_headers, e.request_body, "
                                "e.request_truncated, e.response_headers, e.response_body, e.response_truncated FROM %1%2 ORDER BY %3 LIMIT %4")
                                .arg(from, where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")), order)
                                .arg(qMax(0, query.limit));
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        fail(q.lastError());
        return {};
    }
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (!q.exec()) {
        fail(q.lastError());
        return {};
    }
    QList<HistoryEntry> out;
    while (q.next()) {
        HistoryEntry h;
        Exchange &e = h.exchange;
        e.id = q.value(0).toULongLong();
        e.startedAt = QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC);
        h.profile = q.value(2).toString();
        e.operation = q.value(3).toString();
        e.method = q.value(4).toString().toLatin1();
        e.url = q.value(5).toString();
        e.status = q.value(6).toInt();
        e.reasonPhrase = q.value(7).toString().toLatin1();
        e.outcome = Exchange::Outcome(qBound(0, q.value(8).toInt(), int(Exchange::Outcome::Cancelled)));
        e.durationMs = q.value(9).toLongLong();
        e.responseBytes = q.value(10).toLongLong();
        e.errorText = q.value(11).toString();
        e.redirectUrl = q.value(12).toString();
        e.requestHeaders = headersFromBytes(q.value(13).toByteArray());
        e.requestBody = q.value(14).toByteArray();
        e.requestBodyTruncated = q.value(15).toBool();
        e.responseHeaders = headersFromBytes(q.value(16).toByteArray());
        e.responseBody = q.value(17).toByteArray();
        e.responseBodyTruncated = q.value(18).toBool();
        out.append(std::move(h));
    }
    if (ok)
        *ok = true;
    return out;
}

qint64 HistoryStore::count()
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT count(*) FROM exchange")) || !q.next()) {
        fail(q.lastError());
        return -1;
    }
    return q.value(0).toLongLong();
}

qint64 HistoryStore::usedBytes()
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    qint64 pages = 0, freePages = 0, pageSize = 0;
    if (q.exec(QStringLiteral("PRAGMA page_count")) && q.next())
        pages = q.value(0).toLongLong();
    if (q.exec(QStringLiteral("PRAGMA freelist_count")) && q.next())
        freePages = q.value(0).toLongLong();
    if (q.exec(QStringLiteral("PRAGMA page_size")) && q.next())
        pageSize = q.value(0).toLongLong();
    return (pages - freePages) * pageSize;
}

qint64 HistoryStore::applyRetention(std::chrono::seconds maxAge, qint64 maxBytes, const QDateTime &now,
                                    const std::function<void()> &betweenChunks)
{
    qint64 deleted = 0;
    auto deleteWhere = [&](const QString &condition, const QVariantList &values) {
        if (!exec(QStringLiteral("BEGIN IMMEDIATE")))
            return false;
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        bool ok = exec(QStringLiteral("DELETE FROM exchange_fts WHERE rowid IN (SELECT id FROM exchange WHERE %1)").arg(condition), values);
        ok = ok && q.prepare(QStringLiteral("DELETE FROM exchange WHERE %1").arg(condition));
        for (const QVariant &v : values)
            q.addBindValue(v);
        ok = ok && q.exec();
        if (!ok) {
            if (q.lastError().isValid())
                fail(q.lastError());
            rollback();
            return false;
        }
        deleted += q.numRowsAffected();
        return exec(QStringLiteral("COMMIT"));
    };
    // In chunks of a few thousand rows, each its own transaction, so that a writer can put
    // its pending batch in between: a large clean-up never holds new exchanges back for long.
    constexpr qint64 chunk = 5000;
    if (maxAge.count() > 0) {
        const qint64 before = now.toMSecsSinceEpoch() - qint64(maxAge.count()) * 1000;
        for (;;) {
            const qint64 was = deleted;
            if (!deleteWhere(QStringLiteral("id IN (SELECT id FROM exchange WHERE started_at < ? ORDER BY started_at LIMIT ?)"), {before, chunk}))
                return -1;
            if (deleted - was < chunk)
                break;
            if (betweenChunks)
                betweenChunks();
        }
    }
    if (maxBytes > 0) {
        // The oldest first until the exchanges fit. FTS5 records a deletion as a marker that
        // later merges fold in, so the size is looked at again once the pages are given back.
        for (;;) {
            if (usedBytes() <= maxBytes) {
                // Folds the index's deletion markers in, then gives the pages back.
                exec(QStringLiteral("INSERT INTO exchange_fts (exchange_fts, rank) VALUES ('merge', 2000)"));
                exec(QStringLiteral("PRAGMA incremental_vacuum"));
                if (usedBytes() <= maxBytes)
                    break;
            }
            const qint64 rows = count();
            if (rows <= 0) {
                // Only the index's own bookkeeping is left: rewrite it whole.
                exec(QStringLiteral("INSERT INTO exchange_fts (exchange_fts) VALUES ('optimize')"));
                exec(QStringLiteral("PRAGMA incremental_vacuum"));
                break;
            }
            if (!deleteWhere(QStringLiteral("id IN (SELECT id FROM exchange ORDER BY id LIMIT ?)"), {qBound<qint64>(1, rows / 20, chunk)}))
                return -1;
            if (betweenChunks)
                betweenChunks();
        }
    }
    if (deleted > 0)
        exec(QStringLiteral("PRAGMA incremental_vacuum"));
    return deleted;
}

bool HistoryStore::clear()
{
    const bool ok = exec(QStringLiteral("BEGIN IMMEDIATE")) && exec(QStringLiteral("DELETE FROM exchange"))
                    && exec(QStringLiteral("DELETE FROM exchange_fts")) && exec(QStringLiteral("COMMIT"));
    if (!ok) {
        rollback();
        return false;
    }
    exec(QStringLiteral("PRAGMA incremental_vacuum"));
    // Deleted pages may still hold the old text until they are reused; the checkpoint and the
    // vacuum give them back to the file system.
    exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    return true;
}

QStringList HistoryStore::endpointNames()
{
    return {QStringLiteral("access-token"), QStringLiteral("verify"), QStringLiteral("users"),
            QStringLiteral("passkeys"),     QStringLiteral("emulator"), QStringLiteral("other")};
}

QString HistoryStore::endpointOf(const QString &pathAndQuery)
{
    const QStringView path = QStringView(pathAndQuery).left(pathAndQuery.indexOf(QLatin1Char('?')));
    if (path.contains(QLatin1String("/emulator/")) || path.endsWith(QLatin1String("/emulator")))
        return QStringLiteral("emulator");
    if (path.endsWith(QLatin1String("/access-token")))
        return QStringLiteral("access-token");
    if (path.contains(QLatin1String("/authentication-token/")))
        return QStringLiteral("verify");
    if (path.contains(QLatin1String("/credential")))
        return QStringLiteral("passkeys");
    if (path.contains(QLatin1String("/user")))
        return QStringLiteral("users");
    return QStringLiteral("other");
}

QString HistoryStore::ftsQuery(const QString &text)
{
    // Words as FTS5's unicode61 tokenizer sees them (letters and digits). What a person types
    // is never read as FTS5 syntax: each whitespace-separated part becomes one quoted phrase
    // ("usr_77" is the phrase "usr 77"), all required; a part ending in * is a prefix. Whole
    // words let FTS5 walk a common word's list newest first and stop at the limit; a prefix
    // has to merge every word it covers first.
    static const QRegularExpression word(QStringLiteral("[\\p{L}\\p{N}]+"));
    QStringList phrases;
    for (const QString &part : text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)) {
        QStringList tokens;
        auto it = word.globalMatch(part);
        while (it.hasNext())
            tokens << it.next().captured(0);
        if (tokens.isEmpty())
            continue;
        QString phrase = QLatin1Char('"') + tokens.join(QLatin1Char(' ')) + QLatin1Char('"');
        if (part.endsWith(QLatin1Char('*')))
            phrase += QLatin1Char('*');
        phrases << phrase;
    }
    return phrases.join(QLatin1Char(' '));
}

} // namespace plainkey
