#pragma once

#include "core/diagnose/finding.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>
#include <optional>

namespace plainkey {

class ApiCall;
class ApiError;
class PlainKeyClient;

//! What the troubleshooter is asked about: a user and/or a token pasted from the customer's session.
struct DiagnosisInput
{
    //! The user's ID, or their user name (often an e-mail address) when byName is set. May be empty.
    QString user;
    bool byName = false;
    //! The authentication token as pasted (cleaned up with TokenInput). May be empty, but not with user.
    QString token;
};

//! "Why can't this person sign in?": runs the checks a senior support engineer would, in order,
//! against PlainKey through \a client, and ends with a one-sentence answer. It only reads:
//! nothing on PlainKey is changed (verifying a single-use token does use it up; the verify
//! finding says so).
//!
//! Checks, each one Finding with a stable id: "credentials", "reachability", "clock",
//! "token-shape", "token-times", "verify", "user", "passkeys", "token-passkey", then "summary".
//! Every text is built from redacted values; none holds a token or a secret.
class Diagnosis : public QObject
{
    Q_OBJECT
public:
    //! How the run ended. CLI exit codes: Healthy 0, SignInFails 1, CredentialsRefused 3, CouldNotCheck 4.
    enum class Outcome { Running, Healthy, SignInFails, CredentialsRefused, CouldNotCheck };
    Q_ENUM(Outcome)

    explicit Diagnosis(PlainKeyClient *client, QObject *parent = nullptr);
    ~Diagnosis() override;

    //! Starts the checks (a run in progress is cancelled first). Findings arrive asynchronously,
    //! never from inside start().
    void start(const DiagnosisInput &input);
    //! Stops a run: no further signals; the findings so far stay, outcome() becomes CouldNotCheck.
    void cancel();
    bool isRunning() const { return m_running; }

    //! The findings so far, in order; once finished, the last one has id "summary".
    const Findings &findings() const { return m_findings; }
    Outcome outcome() const { return m_outcome; }
    //! The summary finding once finished (its title is the one-sentence answer); empty before.
    Finding summary() const;

    //! The process exit code for \a outcome: 0 healthy, 1 sign-in fails, 3 credentials refused, 4 could not check.
    static int exitCode(Outcome outcome);
    //! "healthy", "sign-in-fails", "credentials-refused", "could-not-check", "running".
    static QString outcomeName(Outcome outcome);
    //! Clock differences up to this much are normal (the Date header has 1 s resolution, plus latency).
    static constexpr qint64 kClockToleranceSeconds = 30;

signals:
    //! A check begins; \a title says what it does ("Verifying the token with PlainKey…").
    void checkStarted(const QString &id, const QString &title);
    //! A check finished (the summary too).
    void findingAdded(const plainkey::Finding &finding);
    void finished();

private:
    enum class Step { Credentials, TokenLocal, Verify, User, Passkeys, TokenPasskey, Summary, Done };

    void runStep(Step step);
    void next(Step step);
    void checkCredentials();
    void checkTokenLocally();
    void verifyToken();
    void checkUser();
    void checkPasskeys();
    void checkTokenPasskey();
    void summarize();
    void finish();

    void begin(const QString &id, const QString &title);
    void add(Finding finding);
    //! A finding for a check that needs PlainKey after PlainKey could not be used.
    Finding notCheckedOffline(const QString &id, const QString &what) const;
    //! The finding for a call PlainKey did not answer (down, 5xx, 429, refused token): not an
    //! answer about \a what itself. Remembers the first one for the summary.
    Finding callFailed(const QString &id, const QString &what, const ApiError &error, const QList<quint64> &ids);
    QString redacted(const QString &text) const;
    //! The current time on PlainKey's clock (this computer's, corrected by the measured skew).
    QDateTime serverNow() const;
    const Finding *findingById(const QString &id) const;
    //! The user the token names: PlainKey's verified answer first, else the token's claims.
    QString tokenUserId() const;

    PlainKeyClient *m_client;
    DiagnosisInput m_input;
    quint64 m_generation = 0;
    bool m_running = false;
    Findings m_findings;
    Outcome m_outcome = Outcome::Running;
    QPointer<ApiCall> m_call;

    // What the checks found, for the later checks and the summary.
    struct Facts;
    std::unique_ptr<Facts> m_facts;
};

} // namespace plainkey
