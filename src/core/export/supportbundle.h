#pragma once

#include "core/diagnose/finding.h"
#include "core/log/exchange.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

class QIODevice;

namespace plainkey {

class Redactor;

//! What goes into a support bundle. The exchanges come from the ExchangeLog (already redacted);
//! every text is redacted again on the way out, with the redactor given here when there is one.
struct SupportBundleContent
{
    //! The troubleshooter's findings, in order; the one with id "summary" is the headline.
    Findings findings;
    //! The program that wrote the bundle and its version ("PlainKey Console", "0.9.0").
    QString programName = QStringLiteral("PlainKey Console");
    QString programVersion;
    //! Empty: the Qt this program runs on (qVersion()).
    QString qtVersion;
    //! Where requests went.
    QUrl baseUrl;
    QString projectId;
    //! "demo", "local" or "live" when known (MainWindow::Destination, classifyDestination()).
    QString destinationKind;
    //! PlainKey's clock minus this computer's, in milliseconds (from its Date header); empty when unknown.
    std::optional<qint64> clockSkewMs;
    //! This session's exchanges, oldest first.
    QList<Exchange> exchanges;
    //! Mask user names, e-mail addresses, user IDs and IP addresses (PersonalDataMasker).
    bool maskPersonalData = true;
    //! User IDs and names the session has seen, so they are masked even where only their value
    //! says who they are (the masker also learns them from the exchanges).
    QStringList knownUserIds;
    QStringList knownUserNames;
    //! The session's redactor (Transport::redactor()): secrets it knows are removed from every
    //! text once more. Without one, only the rules by structure apply.
    const Redactor *redactor = nullptr;
    //! Empty: now.
    QDateTime createdAt;
};

//! Writes a support bundle: one self-contained HTML file (inline CSS, no script, no external
//! resource) that a person reads in any browser and attaches to a ticket. It holds the findings,
//! versions, destination, clock skew and a table of the exchanges, and the same exchanges as a
//! HAR 1.2 archive: in a <script type="application/json" id="har"> block (extractHar() reads it
//! back) and as a "Save the HAR" download link. Secrets never appear; personal data is masked
//! unless maskPersonalData is false.
class SupportBundle
{
public:
    //! Writes the bundle to \a device (opened for writing). On failure returns false and says
    //! in \a error what failed and what to do.
    static bool write(const SupportBundleContent &content, QIODevice *device, QString *error = nullptr);
    //! The bundle as bytes (UTF-8 HTML).
    static QByteArray toHtml(const SupportBundleContent &content);
    //! The HAR archive embedded in a bundle, or empty when \a html holds none.
    static QByteArray extractHar(const QByteArray &html);
    //! "plainkey-support-2026-11-30-2015.html", for save dialogs and the CLI.
    static QString suggestedFileName(const QDateTime &when = QDateTime::currentDateTime());
    //! "PlainKey's clock is 3.2 s ahead of this computer's", or that it is unknown.
    static QString describeClockSkew(std::optional<qint64> skewMs);
};

} // namespace plainkey
