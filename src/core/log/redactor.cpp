#include "core/log/redactor.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>
#include <cstring>

namespace plainkey {

namespace {

constexpr int kMaxRememberedTokens = 256;
// Shorter values are not worth redacting and would replace innocent text.
constexpr int kMinSecretLength = 6;
// Base64 of a value inside a longer encoded text shifts with the value's offset; only a value
// this long leaves enough stable characters to find without matching innocent text.
constexpr int kMinShiftedBase64Length = 12;
// Names longer than this are not field names.
constexpr int kMaxFieldNameLength = 100;

const QRegularExpression &jsonFieldPattern()
{
    // "name" : "value" or "name" : number, for a body that is not valid JSON (cut off, or JSON
    // inside text). No closing quote is required: an answer cut off inside the value must still
    // hide it. The quantifiers are possessive because a backtracking match of a long value
    // exhausts PCRE's limits, and a failed match would leave the value in clear.
    static const QRegularExpression re(QStringLiteral(
            R"re("([A-Za-z0-9_.$@-]{1,100})"(\s*+:\s*+)(?:"((?:[^"\\]++|\\.)*+)|(-?[0-9][0-9.eE+-]*+)))re"));
    return re;
}

const QRegularExpression &formFieldPattern()
{
    // name=value in a form body, a query string, a fragment or free text: the name must not
    // continue a longer word, and the value ends where a form value cannot go on unencoded.
    static const QRegularExpression re(QStringLiteral(
            R"re((?<![A-Za-z0-9_.%-])([A-Za-z][A-Za-z0-9_.-]{0,99})=([^&#;\s"'<>\\]*+))re"));
    return re;
}

const QRegularExpression &jwtPattern()
{
    // Three base64url segments, the first two starting like a JSON object ("eyJ").
    static const QRegularExpression re(QStringLiteral(R"re(eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*)re"));
    return re;
}

bool isWholeMarker(QStringView text)
{
    static const QRegularExpression wholeMarker(QLatin1Char('^') + Redactor::markerPattern() + QLatin1Char('$'));
    return text.startsWith(QLatin1String("[redacted ")) && wholeMarker.match(text.toString()).hasMatch();
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

QByteArray lowerHex(QByteArray percentEncoded)
{
    for (qsizetype i = 0; i + 2 < percentEncoded.size(); ++i) {
        if (percentEncoded[i] == '%') {
            percentEncoded[i + 1] = char(QChar::toLower(uchar(percentEncoded[i + 1])));
            percentEncoded[i + 2] = char(QChar::toLower(uchar(percentEncoded[i + 2])));
            i += 2;
        }
    }
    return percentEncoded;
}

// \a value as a JSON string's content: quotes and backslashes escaped, optionally '/' too
// (PHP does it) and everything outside ASCII as \uXXXX (many encoders do it).
QByteArray jsonEscaped(const QByteArray &value, bool slash, bool asciiOnly, bool upperHex)
{
    QByteArray out;
    const auto hex4 = [&](char16_t u) {
        QByteArray h = QByteArray::number(u, 16).rightJustified(4, '0');
        out += "\\u" + (upperHex ? h.toUpper() : h);
    };
    if (!asciiOnly) {
        for (const char c : value) {
            const uchar u = uchar(c);
            switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '/': out += slash ? "\\/" : "/"; break;
            default:
                if (u < 0x20)
                    hex4(u);
                else
                    out += c;
            }
        }
        return out;
    }
    for (const QChar c : QString::fromUtf8(value)) {
        const char16_t u = c.unicode();
        if (u >= 0x20 && u < 0x7f)
            out += jsonEscaped(QByteArray(1, char(u)), slash, false, upperHex);
        else if (u < 0x20)
            out += jsonEscaped(QByteArray(1, char(u)), slash, false, upperHex);
        else
            hex4(u);
    }
    return out;
}

// The stable middle of base64(value) when value starts \a shift bytes into a longer encoded text.
QByteArray shiftedBase64Core(const QByteArray &value, int shift, QByteArray::Base64Options options)
{
    const QByteArray encoded = (QByteArray(shift, '\0') + value).toBase64(options | QByteArray::OmitTrailingEquals);
    const qsizetype first = (8 * shift + 5) / 6;              // first character made of value bits only
    const qsizetype end = (8 * (shift + value.size())) / 6;   // last character holding the value's end is partial
    return end > first ? encoded.mid(first, end - first) : QByteArray();
}

// Every form in which \a value may appear in a body, a header or a message.
QList<QByteArray> formsOf(const QByteArray &value)
{
    QList<QByteArray> forms{value};
    for (const bool slash : {false, true}) {
        for (const bool ascii : {false, true}) {
            forms.append(jsonEscaped(value, slash, ascii, false));
            forms.append(jsonEscaped(value, slash, ascii, true));
        }
    }
    // Percent-encoded as QUrl, JavaScript's encodeURIComponent, a path-keeping encoder and a
    // form encoder ('+' for a space) write it, each with upper and lower-case hex digits.
    const QString text = QString::fromUtf8(value);
    QList<QByteArray> percent{QUrl::toPercentEncoding(text), QUrl::toPercentEncoding(text, "!'()*"),
                              QUrl::toPercentEncoding(text, "/"), QUrl::toPercentEncoding(text, " ").replace(' ', '+'),
                              QUrl::toPercentEncoding(text, "/:@!$&'()*+,;=")};
    for (const QByteArray &p : std::as_const(percent)) {
        forms.append(p);
        forms.append(lowerHex(p));
    }
    for (const auto alphabet : {QByteArray::Base64Encoding, QByteArray::Base64UrlEncoding}) {
        forms.append(value.toBase64(alphabet));
        forms.append(value.toBase64(alphabet | QByteArray::OmitTrailingEquals));
        if (value.size() >= kMinShiftedBase64Length) {
            for (int shift = 0; shift < 3; ++shift)
                forms.append(shiftedBase64Core(value, shift, alphabet));
        }
    }
    std::sort(forms.begin(), forms.end());
    forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
    forms.removeIf([](const QByteArray &f) { return f.size() < 4; });
    return forms;
}

quint32 prefix4(const char *p)
{
    quint32 v;
    std::memcpy(&v, p, 4);
    return v;
}

quint16 prefix2(const char *p)
{
    quint16 v;
    std::memcpy(&v, p, 2);
    return v;
}

QStringList nameWords(QStringView name)
{
    QStringList words;
    QString current;
    QChar previous;
    for (const QChar c : name) {
        if (c == QLatin1Char('_') || c == QLatin1Char('-') || c == QLatin1Char('.') || c == QLatin1Char(' ')) {
            if (!current.isEmpty())
                words.append(current);
            current.clear();
        } else {
            if (c.isUpper() && (previous.isLower() || previous.isDigit()) && !current.isEmpty()) {
                words.append(current);
                current.clear();
            }
            current += c.toLower();
        }
        previous = c;
    }
    if (!current.isEmpty())
        words.append(current);
    return words;
}

// Replaces byte ranges of \a text; the ranges are sorted by start and do not overlap.
struct Replacement
{
    qsizetype start;
    qsizetype end;
    QByteArray with;
};

QByteArray applyReplacements(const QByteArray &text, const QList<Replacement> &replacements)
{
    if (replacements.isEmpty())
        return text;
    QByteArray out;
    out.reserve(text.size());
    qsizetype pos = 0;
    for (const auto &r : replacements) {
        out.append(text.constData() + pos, r.start - pos);
        out += r.with;
        pos = r.end;
    }
    out.append(text.constData() + pos, text.size() - pos);
    return out;
}

// Walks a body known to be valid JSON and replaces every value under a key named like a
// secret, at any depth, inside arrays too: strings in place (the JSON stays valid), numbers
// as a marker string. true, false and null say nothing and stay.
class JsonWalker
{
public:
    explicit JsonWalker(const QByteArray &json) : m_in(json) {}

    QByteArray run()
    {
        space();
        value(std::nullopt);
        return applyReplacements(m_in, m_replacements);
    }

private:
    void space()
    {
        while (m_pos < m_in.size() && (m_in[m_pos] == ' ' || m_in[m_pos] == '\t' || m_in[m_pos] == '\n' || m_in[m_pos] == '\r'))
            ++m_pos;
    }

    // The raw content of the string starting at m_pos (a quote); m_pos ends after the closing quote.
    QByteArray string()
    {
        const qsizetype start = ++m_pos;
        while (m_pos < m_in.size() && m_in[m_pos] != '"')
            m_pos += m_in[m_pos] == '\\' ? 2 : 1;
        const QByteArray raw = m_in.mid(start, m_pos - start);
        ++m_pos;
        return raw;
    }

    void value(std::optional<SecretKind> secret)
    {
        if (m_pos >= m_in.size())
            return;
        const char c = m_in[m_pos];
        if (c == '{') {
            ++m_pos;
            for (;;) {
                space();
                if (m_pos >= m_in.size() || m_in[m_pos] == '}')
                    break;
                if (m_in[m_pos] == ',') {
                    ++m_pos;
                    continue;
                }
                const QByteArray key = jsonUnescaped(string());
                const auto named = Redactor::kindForFieldName(QString::fromUtf8(key));
                space();
                ++m_pos; // ':'
                space();
                value(named ? named : secret);
            }
            ++m_pos;
        } else if (c == '[') {
            ++m_pos;
            for (;;) {
                space();
                if (m_pos >= m_in.size() || m_in[m_pos] == ']')
                    break;
                if (m_in[m_pos] == ',') {
                    ++m_pos;
                    continue;
                }
                value(secret);
            }
            ++m_pos;
        } else if (c == '"') {
            const qsizetype start = m_pos + 1;
            const QByteArray raw = string();
            if (secret && !raw.isEmpty() && !isWholeMarker(QString::fromLatin1(raw)))
                m_replacements.append({start, m_pos - 1, Redactor::marker(*secret, jsonUnescaped(raw))});
        } else {
            const qsizetype start = m_pos;
            while (m_pos < m_in.size() && !strchr(",]} \t\r\n", m_in[m_pos]))
                ++m_pos;
            const bool number = c == '-' || (c >= '0' && c <= '9');
            if (secret && number)
                m_replacements.append({start, m_pos, '"' + Redactor::marker(*secret, m_in.mid(start, m_pos - start)) + '"'});
        }
    }

    const QByteArray &m_in;
    qsizetype m_pos = 0;
    QList<Replacement> m_replacements;
};

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

std::optional<SecretKind> Redactor::kindForFieldName(QStringView name)
{
    if (name.isEmpty() || name.size() > kMaxFieldNameLength)
        return std::nullopt;
    // Most names hold none of the words: decide those without splitting them.
    static const QLatin1String stems[] = {QLatin1String("token"), QLatin1String("secret"), QLatin1String("passw"),
                                          QLatin1String("key"), QLatin1String("authorization")};
    if (std::none_of(std::begin(stems), std::end(stems), [&](QLatin1String stem) { return name.contains(stem, Qt::CaseInsensitive); }))
        return std::nullopt;
    const QStringList words = nameWords(name);
    if (words.isEmpty())
        return std::nullopt;
    const QString &last = words.last();
    const QString joined = words.join(QString());
    const QString beforeLast = words.size() > 1 ? words.at(words.size() - 2) : QString();
    if (joined == QLatin1String("clientsecret"))
        return SecretKind::ClientSecret;
    if (joined == QLatin1String("accesstoken") || joined == QLatin1String("refreshtoken") || last == QLatin1String("authorization"))
        return SecretKind::AccessToken;
    if (last == QLatin1String("token"))
        return SecretKind::AuthenticationToken;
    if (last == QLatin1String("secret") || last == QLatin1String("password") || last == QLatin1String("passwd")
        || last == QLatin1String("apikey") || (last == QLatin1String("key") && beforeLast == QLatin1String("api")))
        return SecretKind::ClientSecret;
    return std::nullopt;
}

QList<QByteArray> Redactor::encodedForms(const QByteArray &value)
{
    return formsOf(value);
}

void Redactor::index(const Remembered &secret)
{
    if (m_prefixCounts.empty())
        m_prefixCounts.assign(65536, 0);
    for (const QByteArray &f : formsOf(secret.value)) {
        m_forms[prefix4(f.constData())].append({f, secret.value, secret.kind});
        ++m_prefixCounts[prefix2(f.constData())];
    }
}

void Redactor::unindex(const Remembered &secret)
{
    for (const QByteArray &f : formsOf(secret.value)) {
        const quint32 key = prefix4(f.constData());
        auto it = m_forms.find(key);
        if (it == m_forms.end())
            continue;
        it->removeIf([&](const Form &form) { return form.value == secret.value && form.text == f; });
        if (it->isEmpty())
            m_forms.erase(it);
        --m_prefixCounts[prefix2(f.constData())];
    }
}

void Redactor::addSecret(SecretKind kind, const QByteArray &value)
{
    if (value.size() < kMinSecretLength || m_values.contains(value))
        return;
    m_secrets.append({kind, value});
    m_values.insert(value);
    index(m_secrets.last());
    if (kind == SecretKind::ClientSecret)
        return;
    // The bound holds tokens only: the client secret is what an echoing error page most
    // often shows, however many tokens came since.
    if (++m_tokenCount > kMaxRememberedTokens) {
        const auto oldest = std::find_if(m_secrets.begin(), m_secrets.end(),
                                         [](const Remembered &s) { return s.kind != SecretKind::ClientSecret; });
        unindex(*oldest);
        m_values.remove(oldest->value);
        m_secrets.erase(oldest);
        --m_tokenCount;
    }
}

void Redactor::clearSecrets()
{
    m_secrets.clear();
    m_values.clear();
    m_forms.clear();
    m_prefixCounts.clear();
    m_tokenCount = 0;
}

QByteArray Redactor::redactKnown(const QByteArray &text, const QList<QPair<SecretKind, QByteArray>> &extra) const
{
    struct Match
    {
        qsizetype start;
        qsizetype end;
        const QByteArray *value;
        SecretKind kind;
    };
    QList<Match> matches;
    const char *data = text.constData();
    if (!m_forms.isEmpty()) {
        for (qsizetype i = 0; i + 4 <= text.size(); ++i) {
            if (!m_prefixCounts[prefix2(data + i)])
                continue;
            const auto it = m_forms.constFind(prefix4(data + i));
            if (it == m_forms.constEnd())
                continue;
            for (const Form &f : *it) {
                if (i + f.text.size() <= text.size() && std::memcmp(data + i, f.text.constData(), size_t(f.text.size())) == 0)
                    matches.append({i, i + f.text.size(), &f.value, f.kind});
            }
        }
    }
    QList<QPair<QByteArray, QPair<SecretKind, QByteArray>>> extraForms;
    for (const auto &s : extra) {
        if (s.second.size() < kMinSecretLength || m_values.contains(s.second))
            continue;
        for (const QByteArray &f : formsOf(s.second))
            extraForms.append({f, s});
    }
    for (const auto &f : std::as_const(extraForms)) {
        for (qsizetype at = text.indexOf(f.first); at >= 0; at = text.indexOf(f.first, at + 1))
            matches.append({at, at + f.first.size(), &f.second.second, f.second.first});
    }
    if (matches.isEmpty())
        return text;

    // Overlapping matches (one value inside another, or two forms of one value) become one
    // marker over their union, named after the longest: nothing of either is left in clear.
    std::sort(matches.begin(), matches.end(), [](const Match &a, const Match &b) { return a.start < b.start; });
    QList<Replacement> replacements;
    Match cluster = matches.first();
    const Match *longest = &matches.first();
    const auto close = [&] { replacements.append({cluster.start, cluster.end, marker(longest->kind, *longest->value)}); };
    for (qsizetype i = 1; i < matches.size(); ++i) {
        const Match &m = matches[i];
        if (m.start < cluster.end) {
            cluster.end = std::max(cluster.end, m.end);
            if (m.end - m.start > longest->end - longest->start)
                longest = &m;
        } else {
            close();
            cluster = m;
            longest = &m;
        }
    }
    close();
    return applyReplacements(text, replacements);
}

QByteArray Redactor::redactBody(const QByteArray &body, const QList<QPair<SecretKind, QByteArray>> &extra) const
{
    if (body.isEmpty())
        return body;
    QByteArray out = redactKnown(body, extra);

    // JSON fields named like secrets, whatever their value: by walking the document when it
    // parses, by pattern when it does not (cut off, or JSON inside other text).
    const QByteArray trimmed = out.trimmed();
    bool walked = false;
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        QJsonParseError error{};
        QJsonDocument::fromJson(out, &error);
        if (error.error == QJsonParseError::NoError) {
            const qsizetype lead = out.indexOf(trimmed.at(0));
            out = out.left(lead) + JsonWalker(out.mid(lead)).run();
            walked = true;
        }
    }

    // Matched as Latin-1, one character per byte, so every byte outside a secret comes back
    // unchanged: UTF-8 decoding would replace invalid sequences and binary bodies would change.
    QString text = QString::fromLatin1(out);
    if (!walked) {
        QString rebuilt;
        rebuilt.reserve(text.size());
        qsizetype last = 0;
        auto it = jsonFieldPattern().globalMatch(text);
        while (it.hasNext()) {
            const auto m = it.next();
            const auto kind = kindForFieldName(m.capturedView(1));
            if (!kind)
                continue;
            const bool isString = m.capturedStart(3) >= 0;
            const int group = isString ? 3 : 4;
            const QString value = m.captured(group);
            rebuilt += QStringView(text).mid(last, m.capturedStart(group) - last);
            if (value.isEmpty() || isWholeMarker(value))
                rebuilt += value;
            else if (isString)
                rebuilt += QString::fromLatin1(marker(*kind, jsonUnescaped(value.toLatin1())));
            else
                rebuilt += QLatin1Char('"') + QString::fromLatin1(marker(*kind, value.toLatin1())) + QLatin1Char('"');
            last = m.capturedEnd(group);
        }
        rebuilt += QStringView(text).mid(last);
        text = rebuilt;
    }

    // Form fields (client_secret=...), query and fragment parameters, also inside JSON strings
    // and free text.
    {
        QString formOut;
        qsizetype pos = 0;
        auto fit = formFieldPattern().globalMatch(text);
        while (fit.hasNext()) {
            const auto m = fit.next();
            const QString v = m.captured(2);
            if (v.isEmpty() || v.startsWith(QLatin1String("[redacted")))
                continue;
            const auto kind = kindForFieldName(m.capturedView(1));
            if (!kind)
                continue;
            formOut += QStringView(text).mid(pos, m.capturedStart(2) - pos);
            // '+' is a space in a form value: "a+b" and "a%20b" are one value, one fingerprint
            formOut += QString::fromLatin1(marker(*kind, QByteArray::fromPercentEncoding(v.toLatin1().replace('+', ' '))));
            pos = m.capturedEnd(2);
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

QString Redactor::redactText(const QString &text, const QList<QPair<SecretKind, QByteArray>> &extra) const
{
    if (text.isEmpty())
        return text;
    return QString::fromUtf8(redactBody(text.toUtf8(), extra));
}

HttpHeaders Redactor::redactHeaders(const HttpHeaders &headers, const QList<QPair<SecretKind, QByteArray>> &extra) const
{
    HttpHeaders out;
    out.reserve(headers.size());
    for (const auto &h : headers) {
        QByteArray value = h.second;
        const QString name = QString::fromLatin1(h.first);
        const auto named = kindForFieldName(name);
        if (name.endsWith(QLatin1String("authorization"), Qt::CaseInsensitive)) {
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
        } else if (named && !value.isEmpty() && !value.startsWith("[redacted ")) {
            value = marker(*named, value);
        } else {
            value = redactBody(value, extra);
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
