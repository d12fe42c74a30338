import { useShallow } from 'zustand/react/shallow';
import { selectFindingsFor } from '../store/selectors';
import { useInspector } from '../store/store-context';
import { VisibleText } from './visible-text';

/** Exposure and capacity findings about one subject, most severe first as the engine sorts them. */
export function FindingsList({ subject }: { subject: string }) {
  const findings = useInspector(useShallow(selectFindingsFor(subject)));
  if (findings.length === 0) return null;
  return (
    <section className="detail__section" aria-labelledby="findings-heading">
      <h3 id="findings-heading">Findings</h3>
      <ul className="findings" data-testid="findings">
        {findings.map((finding, index) => (
          <li key={index} className={`finding finding--${finding.severity}`}>
            <span className="finding__severity">{finding.severity}</span> {finding.kind}:{' '}
            <VisibleText text={finding.message} />
          </li>
        ))}
      </ul>
    </section>
  );
}
