#include "gui/profile/profiledialog.h"
#include "ui_profiledialog.h"

#include "gui/theme/theme.h"

#include <QColorDialog>
#include <QPushButton>

namespace plainkey::gui {

ProfileDialog::ProfileDialog(QWidget *parent) : QDialog(parent), ui(std::make_unique<Ui::ProfileDialog>())
{
    ui->setupUi(this);
    for (const QString &kind : Profile::kindNames())
        ui->kindCombo->addItem(kind, kind);
    for (QLineEdit *edit : {ui->nameEdit, ui->baseUrlEdit, ui->projectIdEdit, ui->colorEdit})
        connect(edit, &QLineEdit::textChanged, this, &ProfileDialog::showProblems);
    connect(ui->colorButton, &QToolButton::clicked, this, [this] {
        const QColor initial(ui->colorEdit->text());
        const QColor chosen = QColorDialog::getColor(initial.isValid() ? initial : QColor(0x2a, 0x7a, 0xb0), this, tr("Profile colour"));
        if (chosen.isValid())
            ui->colorEdit->setText(chosen.name());
    });
    connect(ui->buttonBox, &QDialogButtonBox::accepted, this, &ProfileDialog::accept);
    connect(ui->buttonBox, &QDialogButtonBox::rejected, this, &ProfileDialog::reject);
    Theme::setTextTone(ui->problemLabel, Theme::Tone::Error);
    showProblems();
}

ProfileDialog::~ProfileDialog() = default;

void ProfileDialog::setProfile(const Profile &profile)
{
    ui->nameEdit->setText(profile.name);
    ui->baseUrlEdit->setText(profile.baseUrl.toString());
    ui->projectIdEdit->setText(profile.projectId);
    ui->kindCombo->setCurrentIndex(ui->kindCombo->findData(Profile::kindName(profile.kind)));
    ui->colorEdit->setText(profile.color);
    ui->secretEdit->clear();
    showProblems();
}

Profile ProfileDialog::profile() const
{
    Profile p;
    p.name = ui->nameEdit->text();
    const QString url = ui->baseUrlEdit->text().trimmed();
    p.baseUrl = url.isEmpty() ? QUrl() : QUrl(url, QUrl::StrictMode);
    p.projectId = ui->projectIdEdit->text();
    p.kind = Profile::kindFromName(ui->kindCombo->currentData().toString()).value_or(Profile::Kind::Production);
    p.color = ui->colorEdit->text().trimmed();
    return p;
}

QString ProfileDialog::secret() const
{
    return ui->secretEdit->text();
}

void ProfileDialog::setTakenNames(const QStringList &names)
{
    m_taken = names;
    showProblems();
}

QStringList ProfileDialog::problems() const
{
    const Profile p = profile();
    QStringList out = p.problems();
    if (m_taken.contains(p.name))
        out.prepend(tr("A profile named \u201c%1\u201d already exists: choose another name.").arg(p.name));
    return out;
}

void ProfileDialog::showProblems()
{
    const QStringList list = problems();
    // Before anything is typed, no list of complaints: Save is simply not possible yet.
    const bool blank = ui->nameEdit->text().isEmpty() && ui->projectIdEdit->text().isEmpty();
    ui->problemLabel->setText(blank ? QString() : list.join(QLatin1Char(' ')));
    ui->problemLabel->setVisible(!ui->problemLabel->text().isEmpty());
    ui->buttonBox->button(QDialogButtonBox::Save)->setEnabled(list.isEmpty());
}

void ProfileDialog::accept()
{
    if (!problems().isEmpty()) {
        showProblems();
        return;
    }
    QDialog::accept();
}

} // namespace plainkey::gui
