#pragma once

// Files a test looks at or tampers with from outside the code under test: a file's digest, to
// show it was left byte for byte, and SQL run on an SQLite file through a connection of the
// test's own.

#include <QCryptographicHash>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QTest>

//! The SHA-256 of the file at \a path; empty if it cannot be read.
inline QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

//! Runs \a statements on the SQLite file at \a path, failing the test at the first that fails.
inline void execSql(const QString &path, const QStringList &statements)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tst-write"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const QString &s : statements)
            QVERIFY2(q.exec(s), qPrintable(s + QLatin1Char(' ') + q.lastError().text()));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tst-write"));
}
