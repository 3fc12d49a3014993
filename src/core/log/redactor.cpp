#include "log/redactor.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>

namespace plainkey {

namespace {

constexpr int kMaxRememberedSecrets = 256;
// Shorter values are not worth redacting and would replace innocent text.
constexpr int kMinSecretLength = 6;

struct NamedField
{
    const char *name;
    SecretKind kind;
};

// Field names whose values are secrets, in JSON bodies and form bodies alike.
constexpr NamedField kSecretFields[] = {
    {"client_secret", SecretKind::ClientSecret},
    {"clientSecret", SecretKind::ClientSecret},
    {"access_token", SecretKind::AccessToken},
    {"accessToken", SecretKind::AccessToken},
    {"refresh_token", SecretKind::AccessToken},
    {"token", SecretKind::AuthenticationToken},
    {"authenticationToken", SecretKind::AuthenticationToken},
    {"id_token", SecretKind::AuthenticationToken},
};

const QRegularExpression &jsonFieldPattern()
{
    // "name" : "value" where value is a JSON string (escapes allowed). No closing quote is
    // required: an answer cut off inside the value must still hide it. The quantifiers are
    // possessive because a backtracking match of a long value exhausts PCRE's limits, and a
    // failed match would leave the value in clear.
    static const QRegularExpression re(QStringLiteral(
            R"re("(client_secret|clientSecret|access_token|accessToken|refresh_token|token|authenticationToken|id_token)"(\s*+:\s*+)"((?:[^"\\]++|\\.)*+))re"));
    return re;
}

const QRegularExpression &jwtPattern()
{
    // Three base64url segments, the first two starting like a JSON object ("eyJ").
    static const QRegularExpression re(QStringLiteral(R"re(eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*)re"));
    return re;
}

// The value a JSON string stands for, so that "a\/b" in an answer and the a/b that a header
// later carries share one fingerprint. A string cut off mid-escape keeps its raw form.
QByteArray jsonUnescaped(const QByteArray &raw)
{
    if (!raw.contains('\\'))
        return raw;
    const QJsonValue v = QJsonDocument::fromJson("[\"" + raw + "\"]").array().at(0);
    return v.isString() ? v.toString().toUtf8() : raw;
}

std::optional<SecretKind> fieldKind(QStringView name)
{
    for (const auto &f : kSecretFields) {
        if (name == QLatin1String(f.name))
            return f.kind;
    }
    return std::nullopt;
}

} // namespace

QByteArray Redactor::fingerprint(QByteArrayView value)
{
    return QCryptographicHash::hash(value, QCryptographicHash::Sha256).toHex().left(8);
}

QByteArray Redactor::kindName(SecretKind kind)
{
    switch (kind) {
    case SecretKind::ClientSecret: return QByteArrayLiteral("client_secret");
    case SecretKind::AccessToken: return QByteArrayLiteral("access_token");
    case SecretKind::AuthenticationToken: return QByteArrayLiteral("auth_token");
    }
    return QByteArrayLiteral("secret");
}

std::optional<SecretKind> Redactor::kindFromName(QByteArrayView name)
{
    for (auto k : {SecretKind::ClientSecret, SecretKind::AccessToken, SecretKind::AuthenticationToken}) {
        if (name == kindName(k))
            return k;
    }
    return std::nullopt;
}

QByteArray Redactor::marker(SecretKind kind, QByteArrayView value)
{
    return QByteArrayLiteral("[redacted ") + kindName(kind) + QByteArrayLiteral(" #") + fingerprint(value)
            + QByteArrayLiteral("]");
}

QString Redactor::markerPattern()
{
    return QStringLiteral(R"(\[redacted (client_secret|access_token|auth_token) #([0-9a-f]{8})\])");
}

void Redactor::addSecret(SecretKind kind, const QByteArray &value)
{
    if (value.size() < kMinSecretLength)
        return;
    for (const auto &s : std::as_const(m_secrets)) {
        if (s.second == value)
            return;
    }
    m_secrets.append({kind, value});
    if (m_secrets.size() > kMaxRememberedSecrets)
        m_secrets.removeFirst();
}

void Redactor::clearSecrets()
{
    m_secrets.clear();
}

QByteArray Redactor::redactKnown(QByteArray text, const QList<QPair<SecretKind, QByteArray>> &extra) const
{
    auto apply = [&text](const QPair<SecretKind, QByteArray> &s) {
        if (s.second.size() < kMinSecretLength)
            return;
        const QByteArray m = marker(s.first, s.second);
        text.replace(s.second, m);
        const QByteArray encoded = QUrl::toPercentEncoding(QString::fromUtf8(s.second));
        if (encoded != s.second)
            text.replace(encoded, m);
    };
    // Longest first: a value that is part of a longer one would otherwise be replaced first
    // and leave the rest of the longer one in clear beside its marker.
    QList<QPair<SecretKind, QByteArray>> all = extra;
    all += m_secrets;
    std::stable_sort(all.begin(), all.end(), [](const auto &a, const auto &b) { return a.second.size() > b.second.size(); });
    for (const auto &s : std::as_const(all))
        apply(s);
    return text;
}

QByteArray Redactor::redactBody(const QByteArray &body, const QList<QPair<SecretKind, QByteArray>> &extra) const
{
    if (body.isEmpty())
        return body;
    QByteArray out = redactKnown(body, extra);

    // Matched as Latin-1, one character per byte, so every byte outside a secret comes back
    // unchanged: UTF-8 decoding would replace invalid sequences and binary bodies would change.
    // JSON fields named like secrets, whatever their value.
    QString text = QString::fromLatin1(out);
    static const QRegularExpression wholeMarker(QLatin1Char('^') + markerPattern() + QLatin1Char('$'));
    QString rebuilt;
    rebuilt.reserve(text.size());
    qsizetype last = 0;
    auto it = jsonFieldPattern().globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        const QString value = m.captured(3);
        rebuilt += QStringView(text).mid(last, m.capturedStart(3) - last);
        if (value.isEmpty() || wholeMarker.match(value).hasMatch())
            rebuilt += value;
        else
            rebuilt += QString::fromLatin1(marker(*fieldKind(m.captured(1)), jsonUnescaped(value.toLatin1())));
        last = m.capturedEnd(3);
    }
    rebuilt += QStringView(text).mid(last);
    text = rebuilt;

    // Form fields (client_secret=...), also as the first parameter of a URL's query.
    static const QRegularExpression formField(QStringLiteral(
            R"re((^|[?&])(client_secret|access_token|token|refresh_token|id_token)=([^&]*+))re"));
    if (!text.trimmed().startsWith(QLatin1Char('{')) && !text.trimmed().startsWith(QLatin1Char('['))) {
        QString formOut;
        qsizetype pos = 0;
        auto fit = formField.globalMatch(text);
        while (fit.hasNext()) {
            const auto m = fit.next();
            formOut += QStringView(text).mid(pos, m.capturedStart(3) - pos);
            const QString v = m.captured(3);
            if (v.isEmpty() || v.startsWith(QLatin1String("[redacted ")))
                formOut += v;
            else // '+' is a space in a form value: "a+b" and "a%20b" are one value, one fingerprint
                formOut += QString::fromLatin1(marker(*fieldKind(m.captured(2)),
                                                      QByteArray::fromPercentEncoding(v.toLatin1().replace('+', ' '))));
            pos = m.capturedEnd(3);
        }
        formOut += QStringView(text).mid(pos);
        text = formOut;
    }

    // Anything else shaped like a JWT is treated as an authentication token.
    QString jwtOut;
    qsizetype jpos = 0;
    auto jit = jwtPattern().globalMatch(text);
    while (jit.hasNext()) {
        const auto m = jit.next();
        jwtOut += QStringView(text).mid(jpos, m.capturedStart() - jpos);
        jwtOut += QString::fromLatin1(marker(SecretKind::AuthenticationToken, m.captured().toLatin1()));
        jpos = m.capturedEnd();
    }
    jwtOut += QStringView(text).mid(jpos);
    return jwtOut.toLatin1();
}

HttpHeaders Redactor::redactHeaders(const HttpHeaders &headers, const QList<QPair<SecretKind, QByteArray>> &extra) const
{
    HttpHeaders out;
    out.reserve(headers.size());
    for (const auto &h : headers) {
        QByteArray value = h.second;
        if (h.first.compare("authorization", Qt::CaseInsensitive) == 0) {
            const int space = value.indexOf(' ');
            const QByteArray scheme = space > 0 ? value.left(space) : QByteArray();
            const QByteArray credential = space > 0 ? value.mid(space + 1).trimmed() : value;
            if (!credential.startsWith("[redacted "))
                value = (scheme.isEmpty() ? QByteArray() : scheme + ' ') + marker(SecretKind::AccessToken, credential);
            // What is kept as the scheme (or as an already redacted credential) is only the
            // first word: a known secret there must still go.
            value = redactKnown(value, extra);
        } else if (h.first.compare("cookie", Qt::CaseInsensitive) == 0
                   || h.first.compare("set-cookie", Qt::CaseInsensitive) == 0) {
            value = marker(SecretKind::AccessToken, value);
        } else {
            value = redactKnown(value, extra);
        }
        // A name can carry a secret too (a server echoing the form into its header names).
        out.append({redactKnown(h.first, extra), value});
    }
    return out;
}

QString Redactor::redactUrl(const QUrl &url, const QList<QPair<SecretKind, QByteArray>> &extra) const
{
    QUrl u = url;
    u.setPassword({});
    return QString::fromUtf8(redactBody(u.toEncoded(), extra));
}

} // namespace plainkey
