import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu. Reload and DevTools are development tools: a packaged build has
 * neither (nor their shortcuts, which come from these menu items), only zoom and full screen.
 */
export function menuTemplate(options: { packaged: boolean }): MenuItemConstructorOptions[] {
  const development: MenuItemConstructorOptions[] = options.packaged
    ? []
    : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...development,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  // These roles' own submenus hold no reload or DevTools item (Electron's menu-item roles).
  return [{ role: 'fileMenu' }, { role: 'editMenu' }, view, { role: 'windowMenu' }];
}
