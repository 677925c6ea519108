"""Caseload indexes and one overall rating a week

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index('ix_rating_case_subject_week', ['case_id', 'subject', 'week'], unique=False)
        batch_op.create_index('uq_rating_overall_week', ['case_id', 'week'], unique=True, sqlite_where=sa.text("subject = 'overall'"), postgresql_where=sa.text("subject = 'overall'"))

    with op.batch_alter_table('weekly_review', schema=None) as batch_op:
        batch_op.create_index('ix_weekly_review_case_status_week', ['case_id', 'status', 'week'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('weekly_review', schema=None) as batch_op:
        batch_op.drop_index('ix_weekly_review_case_status_week')

    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index('uq_rating_overall_week', sqlite_where=sa.text("subject = 'overall'"), postgresql_where=sa.text("subject = 'overall'"))
        batch_op.drop_index('ix_rating_case_subject_week')

