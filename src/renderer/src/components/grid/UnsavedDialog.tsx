import { useTranslation } from 'react-i18next';
import { Modal } from '../Modal';

/** Asked before typed edits would be dropped (another row, another page, closing the panel). */
export function UnsavedDialog({ open, onSave, onDiscard, onStay }: { open: boolean; onSave: () => void; onDiscard: () => void; onStay: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal open={open} onClose={onStay} label={t('grid.unsavedTitle')} className="confirm unsaved-dialog">
      <h2>{t('grid.unsavedTitle')}</h2>
      <p>{t('grid.unsavedMessage')}</p>
      <div className="actions">
        <button type="button" onClick={onStay} autoFocus>{t('grid.unsavedStay')}</button>
        <button type="button" className="danger" onClick={onDiscard}>{t('grid.unsavedDiscard')}</button>
        <button type="button" className="primary" onClick={onSave}>{t('grid.unsavedSave')}</button>
      </div>
    </Modal>
  );
}
