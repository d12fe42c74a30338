import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from './app-menu';

/** Every role in the template, submenus included. */
function rolesOf(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? rolesOf(item.submenu) : []),
  ]);
}

const DEVELOPMENT_ROLES = ['reload', 'forceReload', 'toggleDevTools'];
// Roles whose submenus Electron fills in itself, and the development items they would bring.
const DEVELOPMENT_MENUS = ['viewMenu', 'appMenu', 'help'];

describe('menuTemplate', () => {
  it('has no Reload and no DevTools in a packaged build, nor a role menu that brings them', () => {
    const roles = rolesOf(menuTemplate({ packaged: true }));
    for (const role of [...DEVELOPMENT_ROLES, ...DEVELOPMENT_MENUS]) expect(roles).not.toContain(role);
    expect(roles).toEqual(expect.arrayContaining(['fileMenu', 'editMenu', 'windowMenu', 'zoomIn', 'togglefullscreen']));
  });

  it('keeps Reload and DevTools in development', () => {
    expect(rolesOf(menuTemplate({ packaged: false }))).toEqual(expect.arrayContaining(DEVELOPMENT_ROLES));
  });
});
