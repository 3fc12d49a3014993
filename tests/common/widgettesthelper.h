#pragma once

// Finding a panel's widgets by object name, as the forms in ui/ name them. A missing child is a
// broken test (a renamed widget), so it stops the test at once with the name.

#include <QObject>
#include <QtGlobal>

template <typename T>
T *childOf(const QObject *parent, const char *name)
{
    T *w = parent->findChild<T *>(QLatin1String(name));
    if (!w)
        qFatal("no child %s of type %s", name, T::staticMetaObject.className());
    return w;
}
